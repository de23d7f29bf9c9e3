//! The browser app of Cloud Patterns Playground: Leptos components that
//! render an engine run and edit a scenario config. No pattern logic lives
//! here — the engine decides, the components show.

pub mod app;
pub mod bench;
pub mod browser;
pub mod charts;
pub mod controls;
pub mod embed;
pub mod export;
pub mod home;
pub mod i18n;
pub mod icons;
pub mod lab_page;
pub mod labs;
pub mod layout;
pub mod markup;
pub mod pages;
pub mod panic;
pub mod player;
pub mod scrub;
pub mod seeds;
pub mod share;
pub mod show;
