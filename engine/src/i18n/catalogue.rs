//! The catalogue's table, generated from `engine/i18n/catalogue.tsv`: the sorted keys
//! and the catalogue's id always; the texts of all three languages natively and with
//! the `texts` feature. The browser build leaves the texts out and loads the reader's
//! language at start (`load`), so a reader downloads one language, not three.
include!(concat!(env!("OUT_DIR"), "/keys.rs"));
#[cfg(any(feature = "texts", not(target_arch = "wasm32")))]
include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
