//! Mounts the wizard on the page. The components live in the library, so
//! that tests can use them.

fn main() {
    leptos::mount::mount_to_body(apm_secrets_wizard::App);
}
