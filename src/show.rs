//! [`show`]: Leptos's `<Show>` without its per-use generic code.
//!
//! `<Show>` is generic over its condition and its children, so every use
//! compiles its own copy of the component, its props builder, the children
//! wrapper and the `Either` it renders (about 1 KB of wasm each). Here the
//! condition and the views are boxed, so every use shares one copy; the
//! behaviour is `<Show>`'s: the condition is memoised, and the children are
//! built again each time it turns true (the fallback each time it turns false).

use leptos::either::Either;
use leptos::prelude::*;

type ViewFn = Box<dyn Fn() -> AnyView + Send + Sync>;

/// `children` while `when` is true, nothing otherwise.
pub fn show(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_dyn(Box::new(when), Box::new(children), None)
}

/// `children` while `when` is true, `fallback` otherwise.
pub fn show_or(
    when: impl Fn() -> bool + Send + Sync + 'static,
    children: impl Fn() -> AnyView + Send + Sync + 'static,
    fallback: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    show_dyn(Box::new(when), Box::new(children), Some(Box::new(fallback)))
}

#[inline(never)]
fn show_dyn(
    when: Box<dyn Fn() -> bool + Send + Sync>,
    children: ViewFn,
    fallback: Option<ViewFn>,
) -> AnyView {
    let when = ArcMemo::new(move |_| when());
    (move || match when.get() {
        true => Either::Left(children()),
        false => Either::Right(fallback.as_ref().map_or_else(|| ().into_any(), |f| f())),
    })
    .into_any()
}
