//! Create or update any supported object as YAML (or JSON), like `kubectl apply -f`;
//! `kubectl edit` in the console loads the object's YAML here.

use playground::ActionOutcome;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Starting points the user can load into the editor.
pub const TEMPLATES: [(&str, &str); 4] = [
    ("Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: default\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n"),
    ("Service", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: default\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 80\n"),
    ("Secret", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-password\n  namespace: default\ntype: Opaque\nstringData:\n  password: s3cr3t\n"),
    ("ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  color: blue\n"),
];

/// Text the app puts into the editor (`kubectl edit`); a new generation replaces the text
/// even when the YAML is the same as last time.
#[derive(Debug, Clone, PartialEq)]
pub struct EditorLoad {
    pub generation: u64,
    pub text: String,
}

#[derive(Properties, PartialEq, Clone)]
pub struct ObjectEditorProps {
    pub on_apply: Callback<String>,
    /// The last text loaded by `kubectl edit`, if any.
    #[prop_or_default]
    pub load: Option<EditorLoad>,
    /// Every change of the text (the app hands it to `kubectl ... -f` as stdin).
    #[prop_or_default]
    pub on_text: Callback<String>,
    /// What the last apply returned.
    #[prop_or_default]
    pub outcome: Option<ActionOutcome>,
}

#[component]
pub fn ObjectEditor(props: &ObjectEditorProps) -> Html {
    let text = use_state(|| TEMPLATES[0].1.to_string());
    {
        let text = text.clone();
        use_effect_with(props.load.clone(), move |load| {
            if let Some(load) = load {
                text.set(load.text.clone());
            }
        });
    }
    let on_input = {
        let text = text.clone();
        let on_text = props.on_text.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                text.set(area.value());
                on_text.emit(area.value());
            }
        })
    };
    let templates = TEMPLATES.iter().map(|(name, body)| {
        let text = text.clone();
        let on_text = props.on_text.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            text.set(body.to_string());
            on_text.emit(body.to_string());
        });
        html! { <button class="template" data-testid={format!("template-{name}")} {onclick}>{ *name }</button> }
    });
    let on_apply = {
        let text = text.clone();
        props.on_apply.reform(move |_: MouseEvent| (*text).clone())
    };
    let result = props.outcome.as_ref().map(|outcome| {
        let failed = outcome.status_code.is_some_and(|code| code >= 400);
        html! {
            <div class={classes!("apply-result", failed.then_some("failed"))} data-testid="apply-result">
                <strong>{ outcome.status_code.map(|code| code.to_string()).unwrap_or_default() }</strong>
                { " " }{ &outcome.message }
                if failed {
                    if let Some(body) = &outcome.body {
                        <pre class="status-body">{ pretty_json(body) }</pre>
                    }
                }
            </div>
        }
    });
    html! {
        <section class="panel object-editor" data-testid="object-editor">
            <h2>{ "Object editor" }</h2>
            <div class="templates">{ "Templates: " }{ for templates }</div>
            <textarea data-testid="manifest" rows="14" spellcheck="false" value={(*text).clone()} oninput={on_input} />
            <button data-testid="apply" onclick={on_apply} title="kubectl apply -f: create, or update if it exists">{ "Apply" }</button>
            { for result }
        </section>
    }
}

/// Indents JSON for reading; text that is not JSON is returned as is.
pub fn pretty_json(text: &str) -> String {
    serde_json::from_slice::<serde_json::Value>(text.as_bytes())
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| text.to_string())
}
