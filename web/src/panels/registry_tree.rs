//! The `/registry` key tree of one member's own store, live or at a past
//! revision: folders by path segment, each key with its create/mod revision
//! and version, and the selected key's value.

use std::collections::BTreeMap;
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
    pub entries: Rc<Vec<RegistryEntry>>,
    /// etcd's answer when the revision cannot be read (compacted, future).
    #[prop_or_default]
    pub error: Option<String>,
    pub members: Vec<MemberId>,
    pub selection: RegistrySelection,
    pub store_revision: i64,
    pub compact_revision: i64,
    pub on_select: Callback<RegistrySelection>,
}

/// A folder of the tree: sub-folders and keys, both sorted by name.
#[derive(Debug, Default, PartialEq)]
pub struct Folder<'a> {
    pub folders: BTreeMap<&'a str, Folder<'a>>,
    pub keys: Vec<(&'a str, &'a RegistryEntry)>,
}

/// Groups keys by their path below `/registry/`.
pub fn build_tree(entries: &[RegistryEntry]) -> Folder<'_> {
    let mut root = Folder::default();
    for entry in entries {
        let path = entry.key.strip_prefix("/registry/").unwrap_or(&entry.key);
        let mut segments: Vec<&str> = path.split('/').collect();
        let name = segments.pop().unwrap_or_default();
        let mut folder = &mut root;
        for segment in segments {
            folder = folder.folders.entry(segment).or_default();
        }
        folder.keys.push((name, entry));
    }
    root
}

fn count_keys(folder: &Folder<'_>) -> usize {
    folder.keys.len() + folder.folders.values().map(count_keys).sum::<usize>()
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
    let tree = build_tree(&props.entries);
    let render_folder = |name: &str, folder: &Folder<'_>, depth: usize| -> Html { render(name, folder, depth, props) };

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
            <div class="tree" data-testid="registry-tree">
                { format!("{} keys", props.entries.len()) }
                { for tree.folders.iter().map(|(name, folder)| render_folder(name, folder, 0)) }
            </div>
            if let Some(entry) = selected_entry {
                <div class="key-value" data-testid="registry-value">
                    <h3>{ &entry.key }</h3>
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

fn render(name: &str, folder: &Folder<'_>, depth: usize, props: &RegistryTreeProps) -> Html {
    let keys = folder.keys.iter().map(|(key_name, entry)| {
        let key = entry.key.clone();
        let selected = props.selection.key.as_deref() == Some(entry.key.as_str());
        let selection = props.selection.clone();
        let onclick = props.on_select.reform(move |_: MouseEvent| RegistrySelection { key: Some(key.clone()), ..selection.clone() });
        html! {
            <li class={classes!("key", selected.then_some("selected"))} data-testid="registry-key" data-key={entry.key.clone()} {onclick}
                title="create_revision / mod_revision / version">
                <span class="key-name">{ *key_name }</span>
                <span class="key-numbers">{ format!("c{} m{} v{}", entry.create_revision, entry.mod_revision, entry.version) }</span>
            </li>
        }
    });
    html! {
        <details open={depth < 2}>
            <summary>{ format!("{name}/ ({})", count_keys(folder)) }</summary>
            <ul>
                { for folder.folders.iter().map(|(child, sub)| html! { <li>{ render(child, sub, depth + 1, props) }</li> }) }
                { for keys }
            </ul>
        </details>
    }
}
