//! Sharing a run: a "Copy link" button and an "Embed" dialog with a
//! ready-to-paste iframe snippet. The link is the share codec's fragment on
//! the page's own address, so it works wherever the app is hosted.

use crate::browser;
use crate::i18n::tr;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The iframe snippet for a fragment: the frame, and a few lines of script
/// that resize it to the height the lab reports (so it "resizes itself").
pub fn embed_snippet(base: &str, fragment: &str, title: &str) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    format!(
        "<iframe src=\"{base}?embed=1#{fragment}\" title=\"{title}\" width=\"100%\" height=\"720\" \
         style=\"border:0;max-width:100%\" loading=\"lazy\" data-cloud-patterns></iframe>\n\
         <script>addEventListener(\"message\",function(e){{if(!e.data||e.data.type!==\"{msg}\")return;\
         document.querySelectorAll(\"iframe[data-cloud-patterns]\").forEach(function(f){{\
         if(f.contentWindow===e.source)f.style.height=e.data.height+\"px\";}});}});</script>",
        msg = crate::embed::HEIGHT_MESSAGE
    )
}

/// "Copy link" and "Embed" for the current state. `fragment` is reactive.
#[component]
pub fn ShareButtons(
    #[prop(into)] fragment: Signal<String>,
    #[prop(into)] title: Signal<String>,
) -> impl IntoView {
    let copied = RwSignal::new(None::<bool>);
    let open = RwSignal::new(false);
    let link = move || format!("{}#{}", browser::clean_base_url(), fragment.get());
    let copy = move |_| {
        let text = link();
        spawn_local(async move {
            let ok = browser::copy_text(text).await;
            copied.set(Some(ok));
        });
    };
    let snippet = move || embed_snippet(&browser::clean_base_url(), &fragment.get(), &title.get());
    view! {
        <div class="share">
            <button class="btn" data-testid="copy-link" on:click=copy>
                <span aria-hidden="true">"🔗"</span>
                " "
                {tr("ui.copy_link")}
            </button>
            <button class="btn" data-testid="embed" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
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
            <Show when=move || copied.get() == Some(false)>
                <input class="share-fallback" readonly prop:value=link aria-label=tr("ui.link") />
            </Show>
            <Show when=move || open.get()>
                <div class="embed-panel" data-testid="embed-panel">
                    <p>{tr("ui.embed_help")}</p>
                    <textarea readonly rows="4" data-testid="embed-snippet" aria-label=tr("ui.embed_code") prop:value=snippet></textarea>
                    <p>
                        <a href=link target="_blank" rel="noopener" data-testid="open-full">
                            {tr("ui.open_full")}
                            " ↗"
                        </a>
                    </p>
                </div>
            </Show>
        </div>
    }
}
