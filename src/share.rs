//! Sharing a run: a "Copy link" button and an "Embed" panel with a
//! ready-to-paste `<iframe>` (no script, so learning platforms that strip
//! scripts keep it whole) and, apart, an optional resize script; each has its
//! own Copy button. The link is the share codec's fragment on the page's own
//! address, so it works wherever the app is hosted.

use crate::browser;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `"` `&` `<` `>` escaped for an HTML attribute value.
fn attr_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The origin (`https://host:port`) of an absolute URL, if it has one.
fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (host_end > 0).then(|| &url[..scheme_end + host_end])
}

/// The embed snippet: a plain `<iframe>`, no script, so it survives the
/// sanitisers of Canvas, Moodle and the like. It is as tall as a compact lab
/// (`COMPACT_HEIGHT`), which fits it without a scrollbar and never grows.
pub fn embed_frame(base: &str, fragment: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{src}\" title=\"{title}\" width=\"100%\" height=\"{h}\" \
         style=\"border:0;max-width:100%\" allow=\"clipboard-write\" loading=\"lazy\" \
         data-cloud-patterns></iframe>",
        src = attr_escape(&format!("{base}?embed=1#{fragment}")),
        title = attr_escape(title),
        h = crate::embed::COMPACT_HEIGHT,
    )
}

/// The optional extra, for pages that keep scripts: it sets each of our
/// frames to the height the lab reports (`embed::HEIGHT_MESSAGE`), accepting
/// the message only from the app's origin and only for the frame that sent it.
pub fn embed_resize_script(base: &str) -> String {
    let from_app = origin_of(base)
        .map(|o| format!("||e.origin!==\"{}\"", o.replace(['"', '<', '\\'], "")))
        .unwrap_or_default();
    format!(
        "<script>addEventListener(\"message\",function(e){{\
         var d=e.data;if(!d||d.type!==\"{msg}\"{from_app})return;\
         document.querySelectorAll(\"iframe\").forEach(function(f){{\
         if(f.contentWindow===e.source)f.style.height=Math.max(100,Math.min(4000,d.height|0))+\"px\";}});}});</script>",
        msg = crate::embed::HEIGHT_MESSAGE,
    )
}

/// A read-only code box with its own Copy button.
#[component]
fn CodeToCopy(
    /// Catalogue key of the box's label.
    label: &'static str,
    /// Catalogue key of the line under the label.
    help: &'static str,
    #[prop(into)] code: Signal<String>,
    testid: &'static str,
    rows: u32,
) -> impl IntoView {
    let id = crate::controls::field_id("code");
    let help_id = format!("{id}-help");
    let copied = RwSignal::new(None::<bool>);
    let area = NodeRef::<leptos::html::Textarea>::new();
    let copy = move |_| {
        let text = code.get_untracked();
        spawn_local(async move {
            let ok = browser::copy_text(text).await;
            copied.set(Some(ok));
            // The message then says "the code is selected": make it true.
            if let (false, Some(area)) = (ok, area.get_untracked()) {
                let _ = area.focus();
                area.select();
            }
        });
    };
    let select_all = move |ev: leptos::ev::FocusEvent| {
        if let Some(area) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlTextAreaElement>(t).ok())
        {
            area.select();
        }
    };
    view! {
        <div class="embed-code">
            <label for=id.clone()>{tr(label)}</label>
            <small id=help_id.clone() class="help">{tr(help)}</small>
            <div class="embed-code-row">
                <textarea
                    node_ref=area
                    id=id
                    readonly
                    rows=rows
                    spellcheck="false"
                    data-testid=testid
                    aria-describedby=help_id
                    prop:value=move || code.get()
                    on:focus=select_all
                ></textarea>
                <button class="btn" data-testid=format!("copy-{testid}") on:click=copy>
                    {tr("ui.copy")}
                </button>
            </div>
            <span class="share-status" role="status">
                {move || match copied.get() {
                    Some(true) => tr("ui.copied_code")(),
                    Some(false) => tr("ui.copy_code_failed")(),
                    None => String::new(),
                }}
            </span>
        </div>
    }
}

/// How long "Link copied." stays.
pub const COPIED_SHOWN_MS: u32 = 2_500;

/// "Copy link" and "Embed" for the current state. `fragment` is reactive.
#[component]
pub fn ShareButtons(
    #[prop(into)] fragment: Signal<String>,
    #[prop(into)] title: Signal<String>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let open = RwSignal::new(false);
    let link = move || format!("{}#{}", browser::clean_base_url(), fragment.get());
    // "Link copied." says so for a moment, then gives its room back (on a
    // phone it sat beside the buttons for good). A failure stays, with the
    // link to copy by hand.
    let fade = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    let copy = move |_| {
        let text = link();
        spawn_local(async move {
            let ok = browser::copy_text(text).await;
            copied.set(Some(ok));
            let clear = ok.then(|| {
                gloo_timers::callback::Timeout::new(COPIED_SHOWN_MS, move || {
                    if copied.get_untracked() == Some(true) {
                        copied.set(None);
                    }
                })
            });
            fade.set_value(clear);
        });
    };
    let frame = Signal::derive(move || {
        embed_frame(&browser::clean_base_url(), &fragment.get(), &title.get())
    });
    let script = Signal::derive(move || embed_resize_script(&browser::clean_base_url()));
    // Escape or the panel's own Close button closes it, and focus goes back
    // to the button that opened it.
    let embed_button = NodeRef::<leptos::html::Button>::new();
    let close = move || {
        open.set(false);
        if let Some(b) = embed_button.get_untracked() {
            let _ = b.focus();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" && open.get_untracked() {
            ev.prevent_default();
            close();
        }
    };
    view! {
        <div class="share" on:keydown=on_keydown>
            // The buttons and their status keep one place (on wide screens,
            // the header's end) whatever opens below them.
            <div class="share-buttons">
            // Below 1000 px the settings come after every result, thousands
            // of pixels down on a phone: a way there (and, at their top, back).
            <button type="button" class="btn settings-jump" data-testid="settings-jump" on:click=|_| crate::layout::jump(".lab-controls")>
                <span aria-hidden="true">"⚙"</span>
                " "
                {tr("ui.controls")}
            </button>
            <button class="btn" data-testid="copy-link" on:click=copy>
                {crate::icons::icon(crate::icons::LINK)}
                " "
                {tr("ui.copy_link")}
            </button>
            <button class="btn" data-testid="embed" node_ref=embed_button aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                <span aria-hidden="true">"</>"</span>
                " "
                {tr("ui.embed")}
            </button>
            <span class="share-status" role="status">
                {move || match copied.get() {
                    Some(true) => tr("ui.copied")(),
                    Some(false) => tr("ui.copy_failed")(),
                    None => String::new(),
                }}
            </span>
            </div>
            {crate::show::show(
                move || copied.get() == Some(false),
                move || view! { <input class="share-fallback" readonly prop:value=link aria-label=tr("ui.link") /> }.into_any(),
            )}
            {crate::show::show(move || open.get(), move || view! {
                <div class="embed-panel" data-testid="embed-panel">
                    <CodeToCopy label="ui.embed_code" help="ui.embed_frame_help" code=frame testid="embed-snippet" rows=3 />
                    <CodeToCopy label="ui.embed_script" help="ui.embed_script_help" code=script testid="embed-script" rows=3 />
                    <p>
                        <a href=link target="_blank" rel="noopener" data-testid="open-full">
                            {tr("ui.open_full")}
                            " ↗"
                        </a>
                    </p>
                    <p class="embed-panel-close">
                        <button type="button" class="btn" data-testid="embed-close" on:click=move |_| close()>
                            <span aria-hidden="true">"✕"</span>
                            " "
                            {tr("ui.close")}
                        </button>
                    </p>
                </div>
            }.into_any())}
        </div>
    }
}
