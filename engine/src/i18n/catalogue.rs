//! The catalogue's table, generated from `engine/i18n/catalogue.tsv`.
include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));
