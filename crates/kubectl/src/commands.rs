//! Each command as kubectl runs it: resolve the arguments, send requests, print what kubectl
//! prints. Every error a user can cause comes back as kubectl's text and exit code 1; none
//! panics. A command rejected before its first request sends nothing.
//!
//! Worked example (`kubectl -n kube-system get deploy,svc -l app=dns`):
//!
//! ```text
//! global flags   -n kube-system              -> namespace "kube-system"
//! command        get                         -> flags split by pflag's rules (-l app=dns)
//! targets        deploy,svc                  -> ByType { [Deployment, Service], names: [] }
//! requests       List deployments.apps, List services in kube-system, filtered by app=dns
//! output         one table per type, NAME as deployment.apps/x and service/y (several types),
//!                a blank line between tables; nothing found -> stderr
//!                "No resources found in kube-system namespace."
//! ```

use apiserver::{ApiRequest, ApiResponse, ApiServer, RequestBody, Resource};
use console::etcdctl::flags::{parse_flags, ParsedFlags};
use console::CommandOutput;
use serde_json::{json, Value};

use crate::cli::{self, CommandInfo};
use crate::selector::Selector;
use crate::tables::{self, type_name};
use crate::text::{parse_rfc3339_seconds, tabwrite, TABLE};
use crate::watch::WatchSession;
use crate::{Effect, Execution, KubectlOutput, EXIT_ERROR};

/// The header kubectl edit puts above the object.
pub const EDIT_HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// Output being built: stdout, stderr, exit code and effects.
#[derive(Debug, Default)]
struct Out {
    stdout: String,
    stderr: String,
    failed: bool,
    effects: Vec<Effect>,
}

impl Out {
    fn error(&mut self, line: &str) {
        self.stderr.push_str(line);
        if !line.ends_with('\n') {
            self.stderr.push('\n');
        }
        self.failed = true;
    }

    fn line(&mut self, line: &str) {
        self.stdout.push_str(line);
        self.stdout.push('\n');
    }

    fn finish(self) -> KubectlOutput {
        KubectlOutput {
            output: CommandOutput {
                stdout: self.stdout,
                stderr: self.stderr,
                exit_code: if self.failed { EXIT_ERROR } else { 0 },
            },
            effects: self.effects,
        }
    }
}

fn failed(stderr: &str) -> Execution {
    let mut out = Out::default();
    out.error(stderr);
    Execution::Finished(out.finish())
}

fn printed(stdout: String) -> Execution {
    Execution::Finished(KubectlOutput {
        output: CommandOutput { stdout, stderr: String::new(), exit_code: 0 },
        effects: Vec::new(),
    })
}

/// What every command needs: the parsed flags, the namespace and the apiserver.
struct Context<'a> {
    flags: ParsedFlags,
    namespace: String,
    stdin: &'a str,
    api: &'a mut ApiServer,
}

impl Context<'_> {
    fn all_namespaces(&self) -> bool {
        self.flags.bool("all-namespaces")
    }

    /// The namespace a request for `resource` goes to (none for cluster-scoped ones).
    fn request_namespace(&self, resource: Resource) -> Option<String> {
        (resource.is_namespaced() && !self.all_namespaces()).then(|| self.namespace.clone())
    }

    fn now_seconds(&self) -> i64 {
        parse_rfc3339_seconds(&self.api.now_timestamp()).unwrap_or(0)
    }
}

/// See [`crate::execute`].
pub fn execute(arguments: &[String], stdin: &str, api: &mut ApiServer) -> Execution {
    // Global flags before the command (`kubectl -n kube-system get pods`).
    let mut global_namespace: Option<String> = None;
    let mut index = 0;
    while let Some(word) = arguments.get(index) {
        if !word.starts_with('-') || word == "-" {
            break;
        }
        if word == "-h" || word == "--help" {
            return printed(cli::root_help());
        }
        let (value, consumed) = if word == "-n" || word == "--namespace" {
            match arguments.get(index + 1) {
                Some(value) => (value.clone(), 2),
                None => {
                    let message = if word == "-n" { "flag needs an argument: 'n' in -n" } else { "flag needs an argument: --namespace" };
                    return failed(&format!("error: {message}\nSee 'kubectl --help' for usage."));
                }
            }
        } else if let Some(value) = word.strip_prefix("--namespace=") {
            (value.to_string(), 1)
        } else if let Some(value) = word.strip_prefix("-n").filter(|_| !word.starts_with("--")) {
            (value.strip_prefix('=').unwrap_or(value).to_string(), 1)
        } else {
            let message = parse_flags(cli::GLOBAL_FLAGS, std::slice::from_ref(word))
                .err()
                .unwrap_or_else(|| format!("unknown flag: {word}"));
            return failed(&format!("error: {message}\nSee 'kubectl --help' for usage."));
        };
        global_namespace = Some(value);
        index += consumed;
    }
    let Some(name) = arguments.get(index) else {
        return printed(cli::root_help());
    };
    let Some(command) = cli::find(name) else {
        return unknown_command(name);
    };
    let mut rest = &arguments[index + 1..];
    let mut path = format!("kubectl {}", command.name);
    if command.name == "rollout" {
        match rest.first().map(String::as_str) {
            None => return printed(cli::command_help(command)),
            Some("status") => {
                rest = &rest[1..];
                path.push_str(" status");
            }
            Some(flag) if flag.starts_with('-') => {
                if flag == "-h" || flag == "--help" {
                    return printed(cli::command_help(command));
                }
                return failed(&format!("error: unknown command {flag:?}\nSee 'kubectl rollout -h' for help and examples"));
            }
            Some(other) => {
                return failed(&format!(
                    "error: unknown command {other:?}\nSee 'kubectl rollout -h' for help and examples"
                ))
            }
        }
    }
    let flags = match parse_flags(command.flags, rest) {
        Ok(flags) => flags,
        Err(message) => return failed(&format!("error: {message}\nSee '{path} --help' for usage.")),
    };
    if flags.bool("help") {
        return printed(cli::command_help(command));
    }
    let namespace = flags
        .last("namespace")
        .map(str::to_string)
        .or(global_namespace)
        .filter(|namespace| !namespace.is_empty())
        .unwrap_or_else(|| "default".to_string());
    let mut context = Context { flags, namespace, stdin, api };
    match command.name {
        "get" => get(&mut context),
        "describe" => Execution::Finished(crate::describe::describe_command(&mut context_view(&mut context))),
        "apply" | "create" | "replace" => Execution::Finished(write_from_file(command, &mut context)),
        "delete" => Execution::Finished(delete(&mut context)),
        "scale" => Execution::Finished(scale(&mut context)),
        "edit" => Execution::Finished(edit(&mut context)),
        "rollout" => Execution::Finished(rollout_status(&mut context)),
        _ => unknown_command(name),
    }
}

/// What describe needs from the context (kept small so the module stays separate).
pub(crate) struct DescribeContext<'a> {
    pub positionals: Vec<String>,
    pub selector: Option<String>,
    pub namespace: String,
    pub all_namespaces: bool,
    pub api: &'a mut ApiServer,
}

fn context_view<'a>(context: &'a mut Context<'_>) -> DescribeContext<'a> {
    DescribeContext {
        positionals: context.flags.positionals.clone(),
        selector: context.flags.last("selector").map(str::to_string),
        namespace: context.namespace.clone(),
        all_namespaces: context.all_namespaces(),
        api: context.api,
    }
}

/// cobra's `unknown command "x" for "kubectl"` with its suggestions, or for a real kubectl
/// command the playground does not run, a short note listing what it runs.
fn unknown_command(name: &str) -> Execution {
    if cli::OTHER_KUBECTL_COMMANDS.contains(&name) {
        let supported: Vec<&str> = cli::COMMANDS.iter().map(|command| command.name).collect();
        return failed(&format!(
            "error: \"kubectl {name}\" is not available in this playground; it runs: {}",
            supported.join(", ")
        ));
    }
    let mut message = format!("error: unknown command {name:?} for \"kubectl\"");
    let suggestions = cli::suggestions(name);
    if !suggestions.is_empty() {
        message.push_str("\n\nDid you mean this?\n");
        for suggestion in suggestions {
            message.push('\t');
            message.push_str(suggestion);
            message.push('\n');
        }
    }
    failed(&message)
}

/// A resource type as typed (`po`, `pods`, `pod`, `deployments.apps`, `deploy.v1.apps`).
pub fn resolve_type(word: &str) -> Result<Resource, String> {
    let (name, group) = word.split_once('.').unwrap_or((word, ""));
    Resource::from_name(name)
        .filter(|resource| {
            let group = group.rsplit('.').next().unwrap_or_default();
            group.is_empty() || group == resource.group() || (resource.group().is_empty() && group == "v1")
        })
        .ok_or_else(|| format!("error: the server doesn't have a resource type {word:?}"))
}

/// Resource arguments the way kubectl's resource builder reads them.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets {
    /// `TYPE[,TYPE...] [NAME...]`.
    ByType { resources: Vec<Resource>, names: Vec<String> },
    /// `TYPE/NAME ...`.
    ByTypeName(Vec<(Resource, String)>),
}

impl Targets {
    fn named(&self) -> Vec<(Resource, String)> {
        match self {
            Targets::ByType { resources, names } => resources
                .iter()
                .flat_map(|resource| names.iter().map(move |name| (*resource, name.clone())))
                .collect(),
            Targets::ByTypeName(pairs) => pairs.clone(),
        }
    }

    fn resources(&self) -> Vec<Resource> {
        let mut resources: Vec<Resource> = match self {
            Targets::ByType { resources, .. } => resources.clone(),
            Targets::ByTypeName(pairs) => pairs.iter().map(|(resource, _)| *resource).collect(),
        };
        resources.dedup();
        resources
    }
}

/// Reads `TYPE NAME...` or `TYPE/NAME...` (`all` = pods, services, deployments, replicasets).
pub fn parse_targets(positionals: &[String], allow_all: bool) -> Result<Targets, String> {
    if positionals.iter().any(|word| word.contains('/')) {
        let mut pairs = Vec::new();
        for word in positionals {
            let Some((kind, name)) = word.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string());
            };
            if kind.is_empty() || name.is_empty() || name.contains('/') {
                return Err("error: arguments in resource/name form must have a single resource and name".to_string());
            }
            pairs.push((resolve_type(kind)?, name.to_string()));
        }
        return Ok(Targets::ByTypeName(pairs));
    }
    let Some(types) = positionals.first() else {
        return Err(String::new());
    };
    let mut resources = Vec::new();
    for word in types.split(',') {
        if word == "all" && allow_all {
            resources.extend([Resource::Pod, Resource::Service, Resource::Deployment, Resource::ReplicaSet]);
        } else {
            resources.push(resolve_type(word)?);
        }
    }
    Ok(Targets::ByType { resources, names: positionals[1..].to_vec() })
}

/// `Error from server (Reason): message` for a failed response.
fn server_error(response: &ApiResponse) -> String {
    match response.status() {
        Some(status) => status.kubectl_error_line(None),
        None => format!("Error from server: unexpected response {}", response.status_code),
    }
}

/// Lists `resource` (in the context's namespace, or all), filtered by `selector`.
fn list(context: &mut Context<'_>, resource: Resource, selector: &Selector) -> Result<(Vec<Value>, String), String> {
    let response = context.api.handle(ApiRequest::List { resource, namespace: context.request_namespace(resource) });
    if !response.is_success() {
        return Err(server_error(&response));
    }
    let resource_version = response.resource_version().unwrap_or_default().to_string();
    let items = response
        .object()
        .and_then(|list| list.get("items"))
        .and_then(Value::as_array)
        .map(|items| items.iter().filter(|item| selector.selects(item)).cloned().collect())
        .unwrap_or_default();
    Ok((items, resource_version))
}

/// The output formats `-o` accepts here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Wide,
    Json,
    Yaml,
    Name,
}

pub fn parse_output(text: Option<&str>) -> Result<OutputFormat, String> {
    match text.unwrap_or_default() {
        "" => Ok(OutputFormat::Table),
        "wide" => Ok(OutputFormat::Wide),
        "json" => Ok(OutputFormat::Json),
        "yaml" => Ok(OutputFormat::Yaml),
        "name" => Ok(OutputFormat::Name),
        other => Err(format!("error: unable to match a printer suitable for the output format {other:?}, allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")),
    }
}

/// `No resources found in default namespace.` / `No resources found`.
fn no_resources(context: &Context<'_>, resources: &[Resource]) -> String {
    if context.all_namespaces() || resources.iter().all(|resource| !resource.is_namespaced()) {
        "No resources found\n".to_string()
    } else {
        format!("No resources found in {} namespace.\n", context.namespace)
    }
}

/// How one group of rows is printed.
#[derive(Debug, Clone)]
pub struct TableOptions {
    pub format: OutputFormat,
    pub with_namespace: bool,
    pub with_kind: bool,
    pub show_labels: bool,
    pub no_headers: bool,
}

/// The table text of one resource's objects (header included unless asked not to).
pub fn table(resource: Resource, objects: &[Value], options: &TableOptions, now_seconds: i64, header: bool) -> String {
    let wide = options.format == OutputFormat::Wide;
    let mut text = String::new();
    if header && !options.no_headers {
        let mut headers: Vec<&str> = Vec::new();
        if options.with_namespace && resource.is_namespaced() {
            headers.push("NAMESPACE");
        }
        headers.extend(tables::headers(resource, wide));
        if options.show_labels {
            headers.push("LABELS");
        }
        text.push_str(&headers.join("\t"));
        text.push('\n');
    }
    for object in objects {
        let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        let name = if options.with_kind { format!("{}/{name}", type_name(resource)) } else { name.to_string() };
        let mut cells = Vec::new();
        if options.with_namespace && resource.is_namespaced() {
            cells.push(object.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default().to_string());
        }
        cells.extend(tables::row(resource, object, name, now_seconds, wide));
        if options.show_labels {
            cells.push(tables::format_labels(object.pointer("/metadata/labels")));
        }
        text.push_str(&cells.join("\t"));
        text.push('\n');
    }
    tabwrite(&text, TABLE)
}

/// kubectl adds `apiVersion`/`kind` to list items; the apiserver's items already carry them,
/// but an item without them gets them here.
fn with_type(resource: Resource, object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(map) = object.as_object_mut() {
        map.entry("apiVersion").or_insert_with(|| json!(resource.api_version()));
        map.entry("kind").or_insert_with(|| json!(resource.kind()));
    }
    object
}

/// The `kind: List` wrapper kubectl prints for zero or several objects.
pub fn list_object(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

fn get(context: &mut Context<'_>) -> Execution {
    let format = match parse_output(context.flags.last("output")) {
        Ok(format) => format,
        Err(message) => return failed(&message),
    };
    let positionals = context.flags.positionals.clone();
    if positionals.is_empty() {
        return failed("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
    }
    let targets = match parse_targets(&positionals, true) {
        Ok(targets) => targets,
        Err(message) => return failed(&message),
    };
    let selector_text = context.flags.last("selector").map(str::to_string);
    let named = targets.named();
    if selector_text.is_some() && !named.is_empty() {
        return failed("error: selectors and the all flag cannot be used when passing resource/name arguments");
    }
    let selector = match Selector::parse(selector_text.as_deref().unwrap_or_default()) {
        Ok(selector) => selector,
        Err(message) => return failed(&format!("error: {message}")),
    };
    let resources = targets.resources();
    let watching = context.flags.bool("watch");
    if watching && resources.len() > 1 {
        return failed(&format!(
            "error: watch is only supported on individual resources and resource collections, but {} resources were found",
            resources.len()
        ));
    }
    let mut out = Out::default();
    let mut groups: Vec<(Resource, Vec<Value>)> = Vec::new();
    let mut list_resource_version = String::new();
    if named.is_empty() {
        for resource in &resources {
            match list(context, *resource, &selector) {
                Ok((items, resource_version)) => {
                    list_resource_version = resource_version;
                    groups.push((*resource, items));
                }
                Err(line) => out.error(&line),
            }
        }
    } else {
        for (resource, name) in &named {
            let response = context.api.handle(ApiRequest::Get {
                resource: *resource,
                namespace: resource.is_namespaced().then(|| context.namespace.clone()),
                name: name.clone(),
            });
            match response.object() {
                Some(object) if response.is_success() => {
                    list_resource_version = response.resource_version().unwrap_or_default().to_string();
                    match groups.last_mut() {
                        Some((last, objects)) if last == resource => objects.push(object.clone()),
                        _ => groups.push((*resource, vec![object.clone()])),
                    }
                }
                _ => out.error(&server_error(&response)),
            }
        }
    }
    let total: usize = groups.iter().map(|(_, objects)| objects.len()).sum();
    let now_seconds = context.now_seconds();
    let options = TableOptions {
        format,
        with_namespace: context.all_namespaces(),
        with_kind: resources.len() > 1,
        show_labels: context.flags.bool("show-labels"),
        no_headers: context.flags.bool("no-headers"),
    };
    match format {
        OutputFormat::Table | OutputFormat::Wide => {
            let tables: Vec<String> = groups
                .iter()
                .filter(|(_, objects)| !objects.is_empty())
                .map(|(resource, objects)| table(*resource, objects, &options, now_seconds, true))
                .collect();
            out.stdout.push_str(&tables.join("\n"));
        }
        OutputFormat::Name => {
            for (resource, objects) in &groups {
                for object in objects {
                    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
                    out.line(&format!("{}/{name}", type_name(*resource)));
                }
            }
        }
        OutputFormat::Json | OutputFormat::Yaml => {
            let mut items: Vec<Value> = groups
                .iter()
                .flat_map(|(resource, objects)| objects.iter().map(|object| with_type(*resource, object)))
                .collect();
            let single_implied = named.len() == 1 && !watching;
            if single_implied && items.len() == 1 {
                let object = items.remove(0);
                out.stdout.push_str(&encode(format, &object));
            } else if !(items.is_empty() && (single_implied || watching)) {
                out.stdout.push_str(&encode(format, &list_object(items)));
            }
        }
    }
    let human = matches!(format, OutputFormat::Table | OutputFormat::Wide | OutputFormat::Name);
    if total == 0 && named.is_empty() && !out.failed && human && !watching {
        out.stderr.push_str(&no_resources(context, &resources));
    }
    if watching && !out.failed {
        if let Some(resource) = resources.first() {
            let mut session = WatchSession::open(
                context.api,
                crate::watch::WatchSpec {
                    resource: *resource,
                    namespace: context.request_namespace(*resource),
                    names: named.iter().map(|(_, name)| name.clone()).collect(),
                    selector,
                    options: TableOptions { with_kind: false, ..options },
                    resource_version: list_resource_version,
                },
            );
            session.set_initial(out.stdout, out.stderr);
            return Execution::Watching(session);
        }
    }
    Execution::Finished(out.finish())
}

/// `-o json` / `-o yaml` of one object.
pub fn encode(format: OutputFormat, object: &Value) -> String {
    match format {
        OutputFormat::Yaml => crate::encode::to_yaml(object),
        _ => crate::encode::to_json(object),
    }
}

/// The `-f` source: the text given as stdin, named `STDIN` for `-f -` or by the path given.
fn source(context: &Context<'_>, verb: &str) -> Result<(String, Vec<Value>), String> {
    let Some(path) = context.flags.last("filename") else {
        return Err(match verb {
            "replace" => "error: must specify --filename to replace".to_string(),
            _ => "error: must specify one of -f and -k".to_string(),
        });
    };
    let name = if path == "-" { "STDIN".to_string() } else { path.to_string() };
    if context.stdin.trim().is_empty() {
        return Err(format!("error: no objects passed to {verb}"));
    }
    let documents = apiserver::manifest::parse_manifests(context.stdin)
        .map_err(|status| format!("error: error parsing {name}: {}", status.message))?;
    let documents: Vec<Value> = documents.into_iter().filter(|document| !document.is_null()).collect();
    if documents.is_empty() {
        return Err(format!("error: no objects passed to {verb}"));
    }
    Ok((name, documents))
}

/// The resource, namespace and name a manifest document names.
fn identify(document: &Value) -> Option<(Resource, String)> {
    let resource = Resource::from_kind(
        document.get("apiVersion").and_then(Value::as_str).unwrap_or_default(),
        document.get("kind").and_then(Value::as_str).unwrap_or_default(),
    )?;
    let name = document.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string();
    Some((resource, name))
}

/// `apply -f`, `create -f`, `replace -f`.
fn write_from_file(command: &CommandInfo, context: &mut Context<'_>) -> KubectlOutput {
    let mut out = Out::default();
    let (source_name, documents) = match source(context, command.name) {
        Ok(found) => found,
        Err(message) => {
            out.error(&message);
            return out.finish();
        }
    };
    let explicit_namespace = context.flags.last("namespace").is_some();
    // Namespace checks first, as kubectl's builder does, before anything is sent.
    let mut prepared = Vec::with_capacity(documents.len());
    for mut document in documents {
        if let Some((resource, _)) = identify(&document) {
            if resource.is_namespaced() {
                let declared = document.pointer("/metadata/namespace").and_then(Value::as_str).map(str::to_string);
                match declared {
                    Some(declared) if explicit_namespace && declared != context.namespace => {
                        out.error(&format!("error: the namespace from the provided object {declared:?} does not match the namespace {:?}. You must pass '--namespace={declared}' to perform this operation.", context.namespace));
                        return out.finish();
                    }
                    Some(_) => {}
                    None => {
                        if let Some(metadata) = document.get_mut("metadata").and_then(Value::as_object_mut) {
                            metadata.insert("namespace".to_string(), json!(context.namespace));
                        }
                    }
                }
            }
        }
        prepared.push(document);
    }
    match command.name {
        "apply" => {
            for document in prepared {
                let text = serde_json::to_string(&document).unwrap_or_default();
                for result in apiserver::client::apply(context.api, &text, &source_name) {
                    if result.outcome == apiserver::client::ApplyOutcome::Failed {
                        out.error(&result.kubectl_line);
                    } else {
                        out.line(&result.kubectl_line);
                    }
                }
            }
        }
        verb => {
            let (gerund, past) = if verb == "create" { ("creating", "created") } else { ("replacing", "replaced") };
            for document in prepared {
                let body = RequestBody::Object(document.clone());
                let response = if verb == "create" {
                    context.api.handle(ApiRequest::Create { namespace: None, body })
                } else {
                    context.api.handle(ApiRequest::Update { namespace: None, body })
                };
                if response.is_success() {
                    let (resource, name) = identify(&document).unwrap_or((Resource::ConfigMap, String::new()));
                    let name = response
                        .object()
                        .and_then(|object| object.pointer("/metadata/name"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or(name);
                    out.line(&format!("{}/{name} {past}", type_name(resource)));
                } else {
                    let line = match response.status() {
                        Some(status) => status.kubectl_error_line(Some((gerund, &source_name))),
                        None => server_error(&response),
                    };
                    out.error(&line);
                }
            }
        }
    }
    out.finish()
}

fn delete(context: &mut Context<'_>) -> KubectlOutput {
    let mut out = Out::default();
    let positionals = context.flags.positionals.clone();
    let mut targets: Vec<(Resource, String)> = Vec::new();
    if context.flags.last("filename").is_some() {
        if !positionals.is_empty() {
            out.error(&format!("error: Unexpected args: [{}]\nSee 'kubectl delete -h' for help and examples", positionals.join(" ")));
            return out.finish();
        }
        let (_, documents) = match source(context, "delete") {
            Ok(found) => found,
            Err(message) => {
                out.error(&message);
                return out.finish();
            }
        };
        for document in documents {
            match identify(&document) {
                Some(pair) => targets.push(pair),
                None => {
                    let kind = document.get("kind").and_then(Value::as_str).unwrap_or_default();
                    let version = document.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
                    out.error(&format!("error: resource mapping not found for name: {:?} namespace: \"\" from \"STDIN\": no matches for kind {kind:?} in version {version:?}",
                        document.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default()));
                }
            }
        }
    } else {
        if positionals.is_empty() {
            out.error("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
            return out.finish();
        }
        let parsed = match parse_targets(&positionals, false) {
            Ok(parsed) => parsed,
            Err(message) => {
                out.error(&message);
                return out.finish();
            }
        };
        let named = parsed.named();
        let selector_text = context.flags.last("selector").map(str::to_string);
        let all = context.flags.bool("all");
        if !named.is_empty() {
            if selector_text.is_some() || all {
                out.error("error: selectors and the all flag cannot be used when passing resource/name arguments");
                return out.finish();
            }
            targets = named;
        } else {
            if selector_text.is_none() && !all {
                out.error("error: resource(s) were provided, but no name was specified");
                return out.finish();
            }
            let selector = match Selector::parse(selector_text.as_deref().unwrap_or_default()) {
                Ok(selector) => selector,
                Err(message) => {
                    out.error(&format!("error: {message}"));
                    return out.finish();
                }
            };
            for resource in parsed.resources() {
                match list(context, resource, &selector) {
                    Ok((items, _)) => targets.extend(items.iter().map(|item| {
                        (resource, item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string())
                    })),
                    Err(line) => out.error(&line),
                }
            }
            if targets.is_empty() && !out.failed {
                out.stderr.push_str("No resources found\n");
                return out.finish();
            }
        }
    }
    for (resource, name) in targets {
        let response = context.api.handle(ApiRequest::Delete {
            resource,
            namespace: resource.is_namespaced().then(|| context.namespace.clone()),
            name: name.clone(),
        });
        if response.is_success() {
            out.line(&format!("{} {name:?} deleted", type_name(resource)));
        } else {
            out.error(&server_error(&response));
        }
    }
    out.finish()
}

/// One object named by `TYPE NAME` or `TYPE/NAME` (scale, edit, rollout status).
fn single_target(positionals: &[String], command: &str) -> Result<(Resource, String), String> {
    if positionals.is_empty() {
        return Err(match command {
            "scale" => "error: required resource not specified".to_string(),
            "rollout status" => "error: required resource not specified".to_string(),
            _ => "error: you must provide one or more resources by argument or filename".to_string(),
        });
    }
    let targets = parse_targets(positionals, false)?;
    let named = targets.named();
    match named.as_slice() {
        [single] => Ok(single.clone()),
        [] => Err("error: resource(s) were provided, but no name was specified".to_string()),
        _ => Err(format!("error: only one resource may be given to {command}")),
    }
}

fn scale(context: &mut Context<'_>) -> KubectlOutput {
    let mut out = Out::default();
    let Some(replicas_text) = context.flags.last("replicas").map(str::to_string) else {
        out.error("error: required flag(s) \"replicas\" not set");
        return out.finish();
    };
    let replicas = match console::etcdctl::text::parse_go_int(&replicas_text, 0) {
        Ok(value) => value,
        Err(error) => {
            out.error(&format!("error: invalid argument {replicas_text:?} for \"--replicas\" flag: {error}\nSee 'kubectl scale --help' for usage."));
            return out.finish();
        }
    };
    if replicas < 0 || replicas > i64::from(i32::MAX) {
        out.error("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
        return out.finish();
    }
    let current = match context.flags.last("current-replicas").map(|text| console::etcdctl::text::parse_go_int(text, 0)) {
        None => None,
        Some(Ok(value)) => Some(value),
        Some(Err(error)) => {
            out.error(&format!("error: invalid argument {:?} for \"--current-replicas\" flag: {error}\nSee 'kubectl scale --help' for usage.", context.flags.last("current-replicas").unwrap_or_default()));
            return out.finish();
        }
    };
    let (resource, name) = match single_target(&context.flags.positionals, "scale") {
        Ok(target) => target,
        Err(message) => {
            out.error(&message);
            return out.finish();
        }
    };
    if !matches!(resource, Resource::Deployment | Resource::ReplicaSet) {
        out.error("Error from server (NotFound): the server could not find the requested resource");
        return out.finish();
    }
    let namespace = context.namespace.clone();
    let fetched = context.api.handle(ApiRequest::Get { resource, namespace: Some(namespace.clone()), name: name.clone() });
    let Some(object) = fetched.object().filter(|_| fetched.is_success()).cloned() else {
        out.error(&server_error(&fetched));
        return out.finish();
    };
    if let Some(expected) = current {
        let actual = object.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0);
        if actual != expected {
            out.error(&format!("error: Expected replicas to be {expected}, was {actual}"));
            return out.finish();
        }
    }
    let outcome = apiserver::client::update_with_retry(
        context.api,
        resource,
        Some(&namespace),
        &name,
        Some(object),
        apiserver::client::DEFAULT_RETRY_ATTEMPTS,
        |object| {
            if let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) {
                spec.insert("replicas".to_string(), json!(replicas));
            }
        },
    );
    if outcome.response.is_success() {
        out.line(&format!("{}/{name} scaled", type_name(resource)));
    } else {
        out.error(&server_error(&outcome.response));
    }
    out.finish()
}

fn edit(context: &mut Context<'_>) -> KubectlOutput {
    let mut out = Out::default();
    let (resource, name) = match single_target(&context.flags.positionals, "edit") {
        Ok(target) => target,
        Err(message) => {
            out.error(&message);
            return out.finish();
        }
    };
    let response = context.api.handle(ApiRequest::Get {
        resource,
        namespace: resource.is_namespaced().then(|| context.namespace.clone()),
        name,
    });
    match response.object() {
        Some(object) if response.is_success() => {
            let text = format!("{EDIT_HEADER}{}", crate::encode::to_yaml(object));
            out.effects.push(Effect::OpenEditor { text });
        }
        _ => out.error(&server_error(&response)),
    }
    out.finish()
}

/// `kubectl rollout status`, one shot: the line kubectl's status viewer prints for the
/// Deployment's current status (`rollout_status.go`).
fn rollout_status(context: &mut Context<'_>) -> KubectlOutput {
    let mut out = Out::default();
    let (resource, name) = match single_target(&context.flags.positionals, "rollout status") {
        Ok(target) => target,
        Err(message) => {
            out.error(&message);
            return out.finish();
        }
    };
    if resource != Resource::Deployment {
        out.error(&format!("error: no status viewer has been implemented for {}", resource.kind()));
        return out.finish();
    }
    let response = context.api.handle(ApiRequest::Get { resource, namespace: Some(context.namespace.clone()), name: name.clone() });
    let Some(deployment) = response.object().filter(|_| response.is_success()) else {
        out.error(&server_error(&response));
        return out.finish();
    };
    out.stdout.push_str(&deployment_status_line(deployment));
    out.finish()
}

/// `DeploymentStatusViewer.Status`.
pub fn deployment_status_line(deployment: &Value) -> String {
    let number = |pointer: &str| deployment.pointer(pointer).and_then(Value::as_i64).unwrap_or(0);
    let name = deployment.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
    if number("/metadata/generation") > number("/status/observedGeneration") {
        return "Waiting for deployment spec update to be observed...\n".to_string();
    }
    let desired = deployment.pointer("/spec/replicas").and_then(Value::as_i64);
    let updated = number("/status/updatedReplicas");
    let replicas = number("/status/replicas");
    let available = number("/status/availableReplicas");
    if let Some(desired) = desired.filter(|desired| updated < *desired) {
        return format!("Waiting for deployment {name:?} rollout to finish: {updated} out of {desired} new replicas have been updated...\n");
    }
    if replicas > updated {
        return format!("Waiting for deployment {name:?} rollout to finish: {} old replicas are pending termination...\n", replicas - updated);
    }
    if available < updated {
        return format!("Waiting for deployment {name:?} rollout to finish: {available} of {updated} updated replicas are available...\n");
    }
    format!("deployment {name:?} successfully rolled out\n")
}
