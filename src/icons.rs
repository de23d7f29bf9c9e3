//! The buttons' icons, drawn as SVG instead of emoji or rare symbols: "🔗",
//! "🎲", "⏭", "⏮" and "⏸" come from a colour-emoji or symbol font that many
//! school and lab machines lack, where they show as empty boxes (found by the
//! student-eyes review). Each is a 16 × 16 drawing in the text's colour,
//! sized to the text around it (`.icon` in style/main.css).

use leptos::prelude::*;

/// One icon's SVG markup: a `viewBox="0 0 16 16"` drawing in `currentColor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Icon(pub &'static str);

pub const PLAY: Icon =
    Icon(r#"<svg viewBox="0 0 16 16" fill="currentColor"><path d="M4 2.5v11l9.5-5.5z"/></svg>"#);
pub const PAUSE: Icon = Icon(
    r#"<svg viewBox="0 0 16 16" fill="currentColor"><path d="M3.5 2.5h3v11h-3zM9.5 2.5h3v11h-3z"/></svg>"#,
);
pub const STEP_BACK: Icon = Icon(
    r#"<svg viewBox="0 0 16 16" fill="currentColor"><path d="M3 3h2v10H3zM13.5 3v10L6 8z"/></svg>"#,
);
pub const STEP: Icon = Icon(
    r#"<svg viewBox="0 0 16 16" fill="currentColor"><path d="M11 3h2v10h-2zM2.5 3v10L10 8z"/></svg>"#,
);
pub const DICE: Icon = Icon(
    r#"<svg viewBox="0 0 16 16" fill="currentColor"><rect x="1.75" y="1.75" width="12.5" height="12.5" rx="2.5" fill="none" stroke="currentColor" stroke-width="1.5"/><circle cx="5.2" cy="5.2" r="1.3"/><circle cx="8" cy="8" r="1.3"/><circle cx="10.8" cy="10.8" r="1.3"/></svg>"#,
);
pub const LINK: Icon = Icon(
    r#"<svg viewBox="0 0 16 16" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"><path d="M6.3 9.7l3.4-3.4M7.2 4.6l1.3-1.3a2.6 2.6 0 0 1 3.7 3.7l-1.3 1.3M8.8 11.4l-1.3 1.3a2.6 2.6 0 0 1-3.7-3.7l1.3-1.3"/></svg>"#,
);

/// The icon in a `<span aria-hidden="true" class="icon">`: the button's own
/// words name it for screen readers.
pub fn icon(i: Icon) -> impl IntoView {
    view! { <span aria-hidden="true" class="icon" inner_html=i.0></span> }
}
