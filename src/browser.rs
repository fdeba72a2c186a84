//! The browser APIs the wizard calls directly: the URL fragment, the
//! clipboard, text selection, focus and file downloads. Everything else
//! goes through Leptos.

use std::time::Duration;

use leptos::prelude::{document, set_timeout, window};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlElement, HtmlInputElement, Url};

/// How long a downloaded file's object URL stays valid. Revoking it at
/// once can cancel a download that the browser has not started reading.
const OBJECT_URL_LIFETIME: Duration = Duration::from_secs(10);

/// Returns the current URL fragment without its `#`, or an empty string.
pub fn fragment() -> String {
    let hash = window().location().hash().unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_owned()
}

/// Returns the address of the page, fragment included.
pub fn page_url() -> String {
    window().location().href().unwrap_or_default()
}

/// Replaces the URL fragment with `fragment` (none when empty) without
/// adding a history entry or firing `hashchange`. The path and query stay
/// as they are. Returns whether `history.replaceState` was called, which it
/// is not when the address already has this fragment.
pub fn replace_fragment(fragment: &str) -> bool {
    let href = page_url();
    let base = href.split_once('#').map_or(href.as_str(), |(base, _)| base);
    let url = if fragment.is_empty() {
        base.to_owned()
    } else {
        format!("{base}#{fragment}")
    };
    if url == href {
        return false;
    }
    if let Ok(history) = window().history() {
        // Fails for a URL of another origin, which this is not, or beyond the
        // browser's rate limit, which `FragmentWriter` keeps away from.
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
    true
}

/// Writes `text` to the clipboard. Returns `false` when the Clipboard API
/// is missing (pages not served over HTTPS or from localhost) or the
/// browser denies the write.
pub async fn copy_to_clipboard(text: &str) -> bool {
    let clipboard = window().navigator().clipboard();
    // The binding does not check for `undefined`, and calling a method on
    // it would throw into the WebAssembly code.
    if clipboard.is_undefined() || clipboard.is_null() {
        return false;
    }
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}

/// Selects the text inside `element`, so that the user can copy it with the
/// keyboard. Returns whether the selection was made.
pub fn select_contents(element: &web_sys::Node) -> bool {
    match window().get_selection() {
        Ok(Some(selection)) => selection.select_all_children(element).is_ok(),
        _ => false,
    }
}

/// Moves the keyboard focus to the element with `id`, if it exists.
pub fn focus_by_id(id: &str) {
    let element = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlElement>().ok());
    if let Some(element) = element {
        let _ = element.focus();
    }
}

/// Empties the input field with `id`. Used when the page is hidden, so
/// that a page restored from the back-forward cache shows no key.
pub fn clear_input(id: &str) {
    let input = document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into::<HtmlInputElement>().ok());
    if let Some(input) = input {
        input.set_value("");
    }
}

/// Saves `contents` as a file named `file_name` through a temporary object
/// URL, which is revoked after [`OBJECT_URL_LIFETIME`].
pub fn download(file_name: &str, media_type: &str, contents: &[u8]) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(contents));
    let options = BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;

    let anchor: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(file_name);
    // Some browsers follow only links that are in the document.
    let body = document().body().ok_or("the page has no body")?;
    body.append_child(&anchor)?;
    anchor.click();
    anchor.remove();

    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        OBJECT_URL_LIFETIME,
    );
    Ok(())
}
