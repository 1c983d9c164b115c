//! kubectl against the simulated apiserver and its controllers, told as stories.

mod support;

use apiserver::Resource;
use support::{World, WEB_DEPLOYMENT};

/// The cells of a table's rows (split on runs of two or more spaces; no cell here has them).
fn rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .map(|line| line.split("  ").map(str::trim).filter(|cell| !cell.is_empty()).map(str::to_string).collect())
        .collect()
}

#[test]
fn applying_a_deployment_lists_it_and_its_pods_once_the_controllers_ran() {
    let mut world = World::new();
    let applied = world.kubectl("apply -f web.yaml", WEB_DEPLOYMENT);
    assert_eq!(applied.output.stdout, "deployment.apps/web created\n");
    assert_eq!(applied.output.exit_code, 0);

    // Before any controller ran, the Deployment has no status yet.
    let fresh = world.kubectl("get deploy", "");
    assert_eq!(fresh.output.stdout, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           0s\n");
    let no_pods = world.kubectl("get pods", "");
    assert_eq!(no_pods.output.stdout, "");
    assert_eq!(no_pods.output.stderr, "No resources found in default namespace.\n");

    world.settle();
    world.advance_seconds(45);
    let ready = world.kubectl("get deploy", "");
    assert_eq!(ready.output.stdout, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/2     2            2           45s\n");

    let pods = world.kubectl("get pods -o wide", "");
    let table = rows(&pods.output.stdout);
    assert_eq!(table[0], ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]);
    assert_eq!(table.len(), 3, "{}", pods.output.stdout);
    let mut nodes: Vec<&str> = table[1..].iter().map(|row| row[6].as_str()).collect();
    nodes.sort();
    assert_eq!(nodes, ["node-1", "node-2"], "the scheduler spreads the two pods");
    for row in &table[1..] {
        assert!(row[0].starts_with("web-"), "{row:?}");
        assert_eq!(&row[1..5], ["1/1", "Running", "0", "45s"]);
        assert!(row[5].starts_with("10.244."), "{row:?}");
    }
    // Columns are padded to the widest cell plus three spaces.
    let header = pods.output.stdout.lines().next().unwrap_or_default();
    let name_width = table[1][0].len() + 3;
    assert_eq!(&header[..name_width], format!("{:<name_width$}", "NAME"));

    let described = world.kubectl("describe deployment web", "");
    let text = described.output.stdout;
    assert!(text.starts_with("Name:               web\nNamespace:          default\nCreationTimestamp:  Thu, 01 Jan 2026 00:00:00 +0000\n"), "{text}");
    assert!(text.contains("\nReplicas:           2 desired | 2 updated | 2 total | 2 available | 0 unavailable\n"), "{text}");
    assert!(text.contains("\n  Containers:\n   nginx:\n    Image:        nginx:1.27\n"), "{text}");
    assert!(text.ends_with("\n    Environment:  <none>\nEvents:           <none>\n"), "{text}");
}

#[test]
fn a_stale_resource_version_in_replace_gets_the_exact_conflict_line_and_writes_nothing() {
    let mut world = World::new();
    world.kubectl("apply -f web.yaml", WEB_DEPLOYMENT);
    let stale = world.kubectl("get deploy web -o yaml", "").output.stdout;
    assert!(stale.contains("  resourceVersion: \""), "{stale}");
    assert_eq!(world.kubectl("scale deploy/web --replicas=3", "").output.stdout, "deployment.apps/web scaled\n");

    let revision = world.etcd.revision();
    let replaced = world.kubectl("replace -f nginx.yaml", &stale);
    assert_eq!(
        replaced.output.stderr,
        "Error from server (Conflict): error when replacing \"nginx.yaml\": Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again\n"
    );
    assert_eq!(replaced.output.stdout, "");
    assert_eq!(replaced.output.exit_code, 1);
    assert_eq!(world.etcd.revision(), revision, "a rejected replace writes nothing");

    // With the current resourceVersion the same replace goes through.
    let current = world.kubectl("get deploy web -o yaml", "").output.stdout;
    let replaced = world.kubectl("replace -f -", &current.replace("replicas: 3", "replicas: 1"));
    assert_eq!(replaced.output.stdout, "deployment.apps/web replaced\n");
    assert!(world.kubectl("get deploy web", "").output.stdout.contains("0/1"));
}

#[test]
fn scaling_up_makes_pods_appear_after_the_controllers_run() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    world.settle();
    assert_eq!(rows(&world.kubectl("get pods", "").output.stdout).len(), 3);

    let scaled = world.kubectl("scale deployment web --replicas=4", "");
    assert_eq!(scaled.output.stdout, "deployment.apps/web scaled\n");
    let waiting = world.kubectl("rollout status deployment/web", "");
    assert_eq!(waiting.output.stdout, "Waiting for deployment spec update to be observed...\n");
    assert_eq!(rows(&world.kubectl("get pods", "").output.stdout).len(), 3, "no pods before the controllers ran");

    world.settle();
    let pods = world.kubectl("get pods -o name", "").output.stdout;
    assert_eq!(pods.lines().count(), 4, "{pods}");
    assert!(pods.lines().all(|line| line.starts_with("pod/web-")), "{pods}");
    assert_eq!(world.kubectl("rollout status deploy web", "").output.stdout, "deployment \"web\" successfully rolled out\n");
}

#[test]
fn rollout_status_counts_updated_replicas_while_they_come_up() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    let mut lines = Vec::new();
    for _ in 0..30 {
        let line = world.kubectl("rollout status deploy/web", "").output.stdout;
        if lines.last() != Some(&line) {
            lines.push(line.clone());
        }
        if world.controllers.step(&mut world.api).is_empty() {
            break;
        }
    }
    assert_eq!(lines.first().map(String::as_str), Some("Waiting for deployment spec update to be observed...\n"));
    assert_eq!(lines.last().map(String::as_str), Some("deployment \"web\" successfully rolled out\n"));
    assert!(lines.iter().all(|line| line.starts_with("Waiting for deployment") || line.starts_with("deployment \"web\"")), "{lines:?}");
}

#[test]
fn label_selectors_pick_objects_by_equality_sets_and_existence() {
    let mut world = World::new();
    for (name, labels) in [("red", "color: red\n    tier: front"), ("blue", "color: blue"), ("plain", "other: x")] {
        let manifest = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  labels:\n    {labels}\n");
        assert_eq!(world.kubectl("create -f cm.yaml", &manifest).output.stdout, format!("configmap/{name} created\n"));
    }
    let names = |world: &mut World, selector: &str| -> Vec<String> {
        let output = world.kubectl(&format!("get cm -o name -l '{selector}'"), "").output;
        output.stdout.lines().map(str::to_string).collect()
    };
    assert_eq!(names(&mut world, "color=red"), ["configmap/red"]);
    assert_eq!(names(&mut world, "color==blue"), ["configmap/blue"]);
    assert_eq!(names(&mut world, "color!=red"), ["configmap/blue", "configmap/plain"]);
    assert_eq!(names(&mut world, "color in (red, blue)"), ["configmap/blue", "configmap/red"]);
    assert_eq!(names(&mut world, "color notin (red)"), ["configmap/blue", "configmap/plain"]);
    assert_eq!(names(&mut world, "color"), ["configmap/blue", "configmap/red"]);
    assert_eq!(names(&mut world, "!color"), ["configmap/plain"]);
    assert_eq!(names(&mut world, "color,tier=front"), ["configmap/red"]);
    let none = world.kubectl("get cm -l color=green", "");
    assert_eq!((none.output.stdout.as_str(), none.output.stderr.as_str()), ("", "No resources found in default namespace.\n"));
    let bad = world.kubectl("get cm -l 'color in'", "");
    assert_eq!(bad.output.exit_code, 1);
    assert!(bad.output.stderr.starts_with("error: "), "{}", bad.output.stderr);

    let deleted = world.kubectl("delete cm -l color", "");
    assert_eq!(deleted.output.stdout, "configmap \"blue\" deleted\nconfigmap \"red\" deleted\n");
    assert_eq!(names(&mut world, ""), ["configmap/plain"]);
}

#[test]
fn json_and_yaml_output_read_back_through_the_apiservers_parser() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    world.kubectl("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tricky\ndata:\n  port: \"80\"\n  flag: \"true\"\n  star: '*'\n  script: |\n    echo one\n    echo two\n  empty: \"\"\n  html: <b>&</b>\n");
    world.settle();
    for (resource, name) in [(Resource::Deployment, "web"), (Resource::ConfigMap, "tricky")] {
        let stored = world
            .api
            .handle(apiserver::ApiRequest::Get { resource, namespace: Some("default".into()), name: name.into() })
            .object()
            .cloned()
            .expect("the object exists");
        for format in ["json", "yaml"] {
            let printed = world.kubectl(&format!("get {} {name} -o {format}", resource.plural()), "").output.stdout;
            let parsed = apiserver::manifest::parse_manifest(&printed).expect("kubectl's output parses");
            assert_eq!(parsed, stored, "{format} of {name}:\n{printed}");
        }
    }
    // Several objects print as a `kind: List`.
    let listed = world.kubectl("get pods -o yaml", "").output.stdout;
    let list = apiserver::manifest::parse_manifest(&listed).expect("the list parses");
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    let json = world.kubectl("get pods -o json", "").output.stdout;
    assert!(json.starts_with("{\n    \"apiVersion\": \"v1\",\n    \"items\": [\n        {\n"), "{json}");
}

#[test]
fn errors_read_exactly_like_kubectl_and_exit_1() {
    let mut world = World::new();
    let cases: [(&str, &str); 11] = [
        ("get deploy x", "Error from server (NotFound): deployments.apps \"x\" not found\n"),
        ("get pods/x", "Error from server (NotFound): pods \"x\" not found\n"),
        ("get foo", "error: the server doesn't have a resource type \"foo\"\n"),
        ("get --foo", "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"),
        ("get pods -z", "error: unknown shorthand flag: 'z' in -z\nSee 'kubectl get --help' for usage.\n"),
        ("--foo get pods", "error: unknown flag: --foo\nSee 'kubectl --help' for usage.\n"),
        ("gett pods", "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tget\n\tset\n"),
        ("frobnicate", "error: unknown command \"frobnicate\" for \"kubectl\"\n"),
        ("delete deploy nothing", "Error from server (NotFound): deployments.apps \"nothing\" not found\n"),
        ("scale deploy web", "error: required flag(s) \"replicas\" not set\n"),
        ("get pods -o table", "error: unable to match a printer suitable for the output format \"table\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"),
    ];
    let revision = world.etcd.revision();
    for (line, expected) in cases {
        let output = world.kubectl(line, "").output;
        assert_eq!(output.stderr, expected, "kubectl {line}");
        assert_eq!(output.stdout, "", "kubectl {line}");
        assert_eq!(output.exit_code, 1, "kubectl {line}");
    }
    assert_eq!(world.etcd.revision(), revision, "no rejected command wrote anything");
    let cluster_scoped = world.kubectl("get nodes", "").output;
    assert_eq!((cluster_scoped.stderr.as_str(), cluster_scoped.exit_code), ("No resources found\n", 0));
}

#[test]
fn creating_an_existing_object_names_the_source_and_apply_configures_it() {
    let mut world = World::new();
    assert_eq!(world.kubectl("create -f -", WEB_DEPLOYMENT).output.stdout, "deployment.apps/web created\n");
    let again = world.kubectl("create -f -", WEB_DEPLOYMENT).output;
    assert_eq!(again.stderr, "Error from server (AlreadyExists): error when creating \"STDIN\": deployments.apps \"web\" already exists\n");
    assert_eq!(again.exit_code, 1);
    assert_eq!(world.kubectl("apply -f web.yaml", WEB_DEPLOYMENT).output.stdout, "deployment.apps/web unchanged\n");
    let bigger = WEB_DEPLOYMENT.replace("replicas: 2", "replicas: 5");
    assert_eq!(world.kubectl("apply -f web.yaml", &bigger).output.stdout, "deployment.apps/web configured\n");
    let empty = world.kubectl("apply -f web.yaml", "").output;
    assert_eq!((empty.stderr.as_str(), empty.exit_code), ("error: no objects passed to apply\n", 1));
    let elsewhere = world.kubectl("create -n kube-system -f -", &WEB_DEPLOYMENT.replace("  name: web\n", "  name: web\n  namespace: default\n")).output;
    assert_eq!(elsewhere.stderr, "error: the namespace from the provided object \"default\" does not match the namespace \"kube-system\". You must pass '--namespace=default' to perform this operation.\n");
}

#[test]
fn deleting_by_file_removes_what_the_manifest_names() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    let deleted = world.kubectl("delete -f web.yaml", WEB_DEPLOYMENT).output;
    assert_eq!(deleted.stdout, "deployment.apps \"web\" deleted\n");
    let again = world.kubectl("delete -f web.yaml", WEB_DEPLOYMENT).output;
    assert_eq!((again.stderr.as_str(), again.exit_code), ("Error from server (NotFound): deployments.apps \"web\" not found\n", 1));
}

#[test]
fn edit_hands_the_objects_yaml_to_the_editor_without_writing() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    let revision = world.etcd.revision();
    let edited = world.kubectl("edit deploy/web", "");
    assert_eq!(edited.output.exit_code, 0);
    let [kubectl::Effect::OpenEditor { text }] = edited.effects.as_slice() else {
        panic!("one editor effect: {:?}", edited.effects);
    };
    assert!(text.starts_with(kubectl::commands::EDIT_HEADER));
    let object = apiserver::manifest::parse_manifest(text).expect("the editor text parses");
    assert_eq!(object["metadata"]["name"], "web");
    assert_eq!(world.etcd.revision(), revision);
    let missing = world.kubectl("edit svc nothing", "");
    assert!(missing.effects.is_empty());
    assert_eq!(missing.output.stderr, "Error from server (NotFound): services \"nothing\" not found\n");
}

#[test]
fn the_age_column_follows_the_apiservers_virtual_clock() {
    let mut world = World::new();
    world.kubectl("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n");
    for (seconds, age) in [(45, "45s"), (147, "3m12s"), (5 * 3600 - 192, "5h"), (2 * 86_400, "2d5h")] {
        world.advance_seconds(seconds);
        let table = world.kubectl("get configmap settings", "").output.stdout;
        assert_eq!(rows(&table)[1], ["settings", "0", age], "{table}");
    }
}

#[test]
fn a_watch_prints_the_listing_then_one_row_per_change_until_stopped() {
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    world.settle();
    let words = console::words::split_words("get deploy -w").expect("splits");
    let kubectl::Execution::Watching(mut session) = kubectl::execute(&words, "", &mut world.api) else {
        panic!("get -w watches");
    };
    let listing = session.poll(&mut world.api);
    assert_eq!(listing, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/2     2            2           0s\n");
    assert_eq!(session.poll(&mut world.api), "", "nothing changed yet");
    world.kubectl("scale deploy web --replicas=3", "");
    let change = session.poll(&mut world.api);
    assert_eq!(change, "web   2/3   2     2     0s\n");
    let stopped = session.stop(&mut world.api);
    assert_eq!(stopped.output.exit_code, kubectl::EXIT_INTERRUPTED);
}
