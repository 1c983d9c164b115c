//! The `/registry` key tree of one member's own store, live or at a past
//! revision: folders by path segment, each key with its create/mod revision
//! and version, and the selected key's value. Keys that are deleted at the
//! shown revision appear as tombstones (struck through, "deleted at r<N>") for
//! as long as etcd keeps them, i.e. until a compaction at or after the delete;
//! "show deleted keys" hides them.
//!
//! The tree can hold tens of thousands of keys, so it renders only what is
//! visible: the expanded tree is flattened into rows of one fixed height
//! ([`ROW_HEIGHT_PX`]) inside a scroll container, and only the rows under the
//! viewport (plus [`OVERSCAN_ROWS`] on each side) are in the DOM, between two
//! spacers that keep the scroll bar true.
//!
//! ```
//! use web::panels::registry_tree::visible_window;
//! // 10,000 rows of 22 px, a 440 px viewport scrolled to row 5,000:
//! let (first, last) = visible_window(10_000, 5_000 * 22);
//! assert!(first <= 5_000 && last >= 5_020 && last - first < 200);
//! ```

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use cluster::MemberId;
use playground::RegistryEntry;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::panels::object_editor::pretty_json;

/// Which store, which revision and which key the user is looking at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegistrySelection {
    /// `None`: the leader's store (or the first running member's).
    pub member: Option<MemberId>,
    /// 0: live (the latest revision).
    pub revision: i64,
    pub key: Option<String>,
}

#[derive(Properties, PartialEq, Clone)]
pub struct RegistryTreeProps {
    /// Sorted by key; entries are shared with the page's listing (see
    /// `playground::RegistryListing`), so a changed key costs one new entry.
    pub entries: Rc<Vec<Rc<RegistryEntry>>>,
    /// etcd's answer when the revision cannot be read (compacted, future).
    #[prop_or_default]
    pub error: Option<String>,
    pub members: Vec<MemberId>,
    pub selection: RegistrySelection,
    pub store_revision: i64,
    pub compact_revision: i64,
    pub on_select: Callback<RegistrySelection>,
}

/// A folder of the tree: sub-folders and keys, both sorted by name. `E` is
/// how an entry is held: `&RegistryEntry`, or `Rc<RegistryEntry>` in the
/// panel, whose rows outlive one render (they are kept until the listing
/// changes).
#[derive(Debug, PartialEq)]
pub struct Folder<E> {
    pub folders: BTreeMap<String, Folder<E>>,
    pub keys: Vec<E>,
    /// Keys in this folder and all below it.
    pub key_count: usize,
}

impl<E> Default for Folder<E> {
    fn default() -> Folder<E> {
        Folder { folders: BTreeMap::new(), keys: Vec::new(), key_count: 0 }
    }
}

/// The path of a key below `/registry/`, split into its folders and its name.
fn folders_and_name(key: &str) -> (impl Iterator<Item = &str>, &str) {
    let path = key.strip_prefix("/registry/").unwrap_or(key);
    let (folders, name) = path.rsplit_once('/').unwrap_or(("", path));
    (folders.split('/').filter(|_| !folders.is_empty()), name)
}

/// The name a key's row shows: its last path segment.
pub fn key_name(key: &str) -> &str {
    folders_and_name(key).1
}

/// Groups keys by their path below `/registry/`.
pub fn build_tree<E: Borrow<RegistryEntry>>(entries: impl IntoIterator<Item = E>) -> Folder<E> {
    let mut root = Folder::default();
    for entry in entries {
        let (segments, _) = folders_and_name(&entry.borrow().key);
        let mut folder = &mut root;
        folder.key_count += 1;
        for segment in segments {
            // Look up before inserting: most keys land in a folder that exists.
            if !folder.folders.contains_key(segment) {
                folder.folders.insert(segment.to_string(), Folder::default());
            }
            folder = folder.folders.get_mut(segment).unwrap_or_else(|| unreachable!("inserted above"));
            folder.key_count += 1;
        }
        folder.keys.push(entry);
    }
    root
}

/// What a tombstone row explains on hover.
pub const TOMBSTONE_TOOLTIP: &str = "Deleted: etcd wrote a tombstone at this revision instead of erasing the key. \
    The tombstone and the key's older revisions stay in the store until a compaction at or after the delete; \
    then the key is gone from every revision.";

/// Height of every row of the tree, in CSS pixels (style.css agrees).
pub const ROW_HEIGHT_PX: u32 = 22;
/// Height of the tree's scroll container, in CSS pixels.
pub const VIEWPORT_HEIGHT_PX: u32 = 440;
/// Rows rendered beyond each edge of the viewport, so a quick scroll or a
/// test looking a little further finds them already there.
pub const OVERSCAN_ROWS: usize = 60;

/// One line of the flattened tree.
#[derive(Debug, PartialEq)]
pub enum Row<E> {
    Folder { path: String, name: String, depth: usize, keys: usize, open: bool },
    /// A key; its row shows [`key_name`] of the entry's key.
    Key { depth: usize, entry: E },
}

/// Folders start open down to this depth (the top two levels).
fn open_by_default(depth: usize) -> bool {
    depth < 2
}

/// The rows of the expanded tree, in display order (in each folder: its
/// sub-folders, then its keys). `toggled` holds the paths of folders the user
/// opened or closed against their default.
pub fn flatten_rows<E: Clone>(root: &Folder<E>, toggled: &BTreeSet<String>) -> Vec<Row<E>> {
    fn walk<E: Clone>(folder: &Folder<E>, path: &str, depth: usize, toggled: &BTreeSet<String>, rows: &mut Vec<Row<E>>) {
        for (name, sub) in &folder.folders {
            let sub_path = if path.is_empty() { name.clone() } else { format!("{path}/{name}") };
            let open = open_by_default(depth) != toggled.contains(&sub_path);
            rows.push(Row::Folder { path: sub_path.clone(), name: name.clone(), depth, keys: sub.key_count, open });
            if open {
                walk(sub, &sub_path, depth + 1, toggled, rows);
            }
        }
        rows.extend(folder.keys.iter().map(|entry| Row::Key { depth, entry: entry.clone() }));
    }
    let mut rows = Vec::new();
    walk(root, "", 0, toggled, &mut rows);
    rows
}

/// The rows to render, `first..last`, for a container scrolled `scroll_top_px`
/// down a list of `row_count` rows.
pub fn visible_window(row_count: usize, scroll_top_px: u32) -> (usize, usize) {
    let height = ROW_HEIGHT_PX as usize;
    let top_row = scroll_top_px as usize / height;
    let visible_rows = (VIEWPORT_HEIGHT_PX as usize).div_ceil(height) + 1;
    let first = top_row.saturating_sub(OVERSCAN_ROWS).min(row_count);
    let last = (top_row + visible_rows + OVERSCAN_ROWS).min(row_count);
    (first, last)
}

/// A value for display: JSON pretty-printed, other bytes as text with
/// non-printable bytes escaped (encrypted Secrets keep their `k8s:enc:` prefix).
pub fn display_value(value: &[u8]) -> String {
    match std::str::from_utf8(value) {
        Ok(text) if serde_json::from_slice::<serde_json::Value>(text.as_bytes()).is_ok() => pretty_json(text),
        _ => value.escape_ascii().to_string(),
    }
}

#[component]
pub fn RegistryTree(props: &RegistryTreeProps) -> Html {
    let selection = &props.selection;
    let toggled = use_state(BTreeSet::<String>::new);
    let scroll_top_px = use_state(|| 0_u32);
    let show_deleted = use_state(|| true);
    // The rows are built again only when the listing, the folders opened or
    // the tombstone toggle change: a frame that moves only the store revision,
    // or a scroll, renders the visible window from the kept rows.
    let listing = use_memo((props.entries.clone(), *show_deleted, (*toggled).clone()), |(entries, show_deleted, toggled)| {
        let deleted_count = entries.iter().filter(|entry| entry.is_deleted()).count();
        let tree = build_tree(entries.iter().filter(|entry| *show_deleted || !entry.is_deleted()).cloned());
        (flatten_rows(&tree, toggled), deleted_count)
    });
    let (rows, deleted_count) = (&listing.0, listing.1);
    let live_count = props.entries.len() - deleted_count;
    let (first, last) = visible_window(rows.len(), *scroll_top_px);
    let on_scroll = {
        let scroll_top_px = scroll_top_px.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target().and_then(|target| target.dyn_into::<web_sys::Element>().ok()) {
                scroll_top_px.set(u32::try_from(element.scroll_top()).unwrap_or(0));
            }
        })
    };
    let on_toggle = {
        let toggled = toggled.clone();
        Callback::from(move |path: String| {
            let mut next = (*toggled).clone();
            if !next.remove(&path) {
                next.insert(path);
            }
            toggled.set(next);
        })
    };
    let row_style = |depth: usize| format!("height: {ROW_HEIGHT_PX}px; padding-left: {}rem", 0.2 + depth as f64 * 1.0);
    let rendered_rows = rows[first..last].iter().map(|row| match row {
        Row::Folder { path, name, depth, keys, open } => {
            let path = path.clone();
            let onclick = on_toggle.reform(move |_: MouseEvent| path.clone());
            html! {
                <div class={classes!("row", "folder", open.then_some("open"))} data-testid="registry-folder" style={row_style(*depth)} {onclick}
                    title="Click to open or close this folder">
                    { format!("{} {name}/ ({keys})", if *open { "▾" } else { "▸" }) }
                </div>
            }
        }
        Row::Key { depth, entry } => {
            let name = key_name(&entry.key);
            let key = entry.key.clone();
            let is_selected = selection.key.as_deref() == Some(entry.key.as_str());
            let selection = selection.clone();
            let onclick = props.on_select.reform(move |_: MouseEvent| RegistrySelection { key: Some(key.clone()), ..selection.clone() });
            if let Some(deleted_revision) = entry.deleted_revision {
                return html! {
                    <div class={classes!("row", "key", "deleted", is_selected.then_some("selected"))} data-testid="registry-tombstone"
                        data-deleted-key={entry.key.clone()} style={row_style(*depth)} {onclick} title={TOMBSTONE_TOOLTIP}>
                        <span class="key-name">{ name }</span>
                        <span class="key-numbers">{ format!("deleted at r{deleted_revision}") }</span>
                    </div>
                };
            }
            html! {
                <div class={classes!("row", "key", is_selected.then_some("selected"))} data-testid="registry-key" data-key={entry.key.clone()}
                    style={row_style(*depth)} {onclick} title="create_revision / mod_revision / version">
                    <span class="key-name">{ name }</span>
                    <span class="key-numbers">{ format!("c{} m{} v{}", entry.create_revision, entry.mod_revision, entry.version) }</span>
                </div>
            }
        }
    });
    let spacer = |rows: usize| html! { <div class="spacer" style={format!("height: {}px", rows * ROW_HEIGHT_PX as usize)} /> };

    let on_member = {
        let selection = selection.clone();
        props.on_select.reform(move |event: Event| {
            let value = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .map(|select| select.value())
                .unwrap_or_default();
            RegistrySelection { member: value.parse::<u64>().ok().map(MemberId), ..selection.clone() }
        })
    };
    let on_revision = {
        let selection = selection.clone();
        props.on_select.reform(move |event: InputEvent| {
            let revision = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.value().parse::<i64>().ok())
                .unwrap_or(0);
            RegistrySelection { revision, ..selection.clone() }
        })
    };
    let on_show_deleted = {
        let show_deleted = show_deleted.clone();
        Callback::from(move |_: Event| show_deleted.set(!*show_deleted))
    };
    let on_live = {
        let selection = selection.clone();
        props.on_select.reform(move |_: MouseEvent| RegistrySelection { revision: 0, ..selection.clone() })
    };
    let shown_revision = if selection.revision == 0 { props.store_revision } else { selection.revision };
    let selected_entry = selection.key.as_ref().and_then(|key| props.entries.iter().find(|entry| &entry.key == key));
    html! {
        <section class="panel registry" data-testid="registry">
            <h2>{ "/registry in etcd" }</h2>
            <div class="registry-controls">
                <label title="Each member has its own copy of the store; a member cut off from the leader shows stale data">
                    { "Store of " }
                    <select data-testid="registry-member" onchange={on_member}>
                        <option value="" selected={selection.member.is_none()}>{ "the leader" }</option>
                        { for props.members.iter().map(|member| html! {
                            <option value={member.0.to_string()} selected={selection.member == Some(*member)}>{ member.to_string() }</option>
                        }) }
                    </select>
                </label>
                <label title="Show the whole tree as it was at this revision. Revisions at or below the compaction line are gone.">
                    { format!("Revision {shown_revision}") }
                    <input type="range" data-testid="registry-revision" min={props.compact_revision.max(1).to_string()}
                        max={props.store_revision.to_string()} value={shown_revision.to_string()} oninput={on_revision} />
                </label>
                <button data-testid="registry-live" onclick={on_live} disabled={selection.revision == 0}>{ "Live" }</button>
                if props.compact_revision > 0 {
                    <span class="compaction" title="Reads below this revision fail: required revision has been compacted">
                        { format!("compacted at {}", props.compact_revision) }
                    </span>
                }
            </div>
            if let Some(error) = &props.error {
                <div class="banner banner-error" data-testid="registry-error">{ error }</div>
            }
            <div class="tree-summary">
                <p class="tree-count">
                    { format!("{live_count} keys") }
                    if deleted_count > 0 {
                        <span title={TOMBSTONE_TOOLTIP}>{ format!(" · {deleted_count} deleted (tombstones)") }</span>
                    }
                </p>
                <label title="Deleted keys whose tombstone etcd still keeps (until compaction)">
                    <input type="checkbox" data-testid="registry-show-deleted" checked={*show_deleted} onchange={on_show_deleted} />
                    { " show deleted keys" }
                </label>
            </div>
            <div class="tree" data-testid="registry-tree" style={format!("height: {VIEWPORT_HEIGHT_PX}px; overflow-y: auto; position: relative")} onscroll={on_scroll}>
                { spacer(first) }
                { for rendered_rows }
                { spacer(rows.len() - last) }
            </div>
            if let Some(entry) = selected_entry {
                <div class="key-value" data-testid="registry-value">
                    <h3>{ &entry.key }</h3>
                    if let Some(deleted_revision) = entry.deleted_revision {
                        <p class="numbers deleted-note" title={TOMBSTONE_TOOLTIP}>{ format!(
                            "deleted at revision {deleted_revision}; its last live revision, kept until compaction, was:"
                        ) }</p>
                    }
                    <p class="numbers">{ format!(
                        "create_revision {} · mod_revision {} (the resourceVersion) · version {}",
                        entry.create_revision, entry.mod_revision, entry.version
                    ) }</p>
                    <pre>{ display_value(&entry.value) }</pre>
                </div>
            }
        </section>
    }
}
