//! Browser wizard that stores the Elastic APM Lambda extension's secret
//! token or API key in AWS Secrets Manager.
//!
//! The answers live in [`Wizard`] signals; the renderer crate turns them
//! into checks and a guide per deployment tool, and the components here
//! show both. The key stays in page memory: it never reaches the URL,
//! storage, the console or the network.

mod app;
mod blocks;
mod browser;
mod copy;
mod output;
mod questions;
pub mod text;
pub mod zip;

pub use app::{App, Wizard};

/// Address of the project's source and documentation, which the page links to.
///
/// NOTE: a relative link to the README, which the build copies next to the
/// page, because the repository has no public address yet. The single-file
/// build has no README beside it. Put the repository's URL here once it has
/// one.
pub const REPOSITORY_URL: &str = "README.md";
