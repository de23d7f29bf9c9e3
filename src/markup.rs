//! Markup written as text, for the parts of a page that are redrawn whole
//! many times a second and never edited in place: chart plots, legends and
//! their hidden tables. One `innerHTML` assignment per redraw costs the
//! browser one parse, where a typed view costs a call across the wasm
//! boundary per node, and a string writer compiles to a fraction of the code
//! a typed view tree does (issue 6: the page's download budget).
//!
//! Every text and attribute value goes through [`Markup::text`] /
//! [`Markup::attr`], which escape it, so a label can never become markup.

use std::fmt::Write;

/// A growing piece of HTML or SVG.
#[derive(Default)]
pub struct Markup(String);

impl Markup {
    pub fn new() -> Markup {
        Markup(String::with_capacity(1024))
    }

    /// `<tag a="v" …>`; `attrs` are escaped. Close with [`Markup::close`].
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start(tag, attrs);
        self.0.push('>');
        self
    }

    /// `<tag a="v" … />`: for SVG elements (and HTML void ones such as `<br>`).
    /// An HTML element written so is only *opened* (`<span/>` is `<span>`), and
    /// what follows lands inside it: use [`Markup::elem`] with no text instead.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start(tag, attrs);
        self.0.push_str("/>");
        self
    }

    /// `<tag a="v" …>text</tag>`.
    pub fn elem(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.open(tag, attrs).text(text).close(tag)
    }

    pub fn close(&mut self, tag: &str) -> &mut Self {
        let _ = write!(self.0, "</{tag}>");
        self
    }

    /// Escaped text.
    pub fn text(&mut self, s: &str) -> &mut Self {
        escape_into(&mut self.0, s);
        self
    }

    /// Markup that is already safe (built by another `Markup`).
    pub fn raw(&mut self, s: &str) -> &mut Self {
        self.0.push_str(s);
        self
    }

    pub fn finish(self) -> String {
        self.0
    }

    fn start(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs {
            self.attr(name, value);
        }
    }

    fn attr(&mut self, name: &str, value: &str) {
        self.0.push(' ');
        self.0.push_str(name);
        self.0.push_str("=\"");
        escape_into(&mut self.0, value);
        self.0.push('"');
    }
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A coordinate with one decimal.
pub fn num(v: f64) -> String {
    engine::num::fixed(v, 1)
}

/// About how wide `text` is at `px` (bold-ish sans): a bound for fitting SVG
/// labels without measuring them in the page.
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().count() as f64 * px * 0.6
}
