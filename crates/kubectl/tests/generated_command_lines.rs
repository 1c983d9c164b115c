//! 100,000 seeded kubectl command lines (valid words, flags, values and garbage mixed): none
//! panics, and a rejected command (non-zero exit, nothing on stdout) changes no state: the
//! etcd revision stays where it was.
//!
//! A failure prints the seed and the line; rerun with `KUBECTL_FUZZ_SEED=<seed>`.

mod support;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use support::{World, WEB_DEPLOYMENT};

const LINES: usize = 100_000;

const WORDS: &[&str] = &[
    "get", "describe", "apply", "create", "replace", "edit", "scale", "delete", "rollout", "status", "logs", "gett", "",
    "pods", "po", "pod", "deploy", "deployments", "deployments.apps", "rs", "svc", "ep", "no", "ns", "cm", "secrets",
    "all", "foo", "deploy,rs", "pods,svc", "deploy/web", "deployment/web", "po/x", "cm/settings", "/", "web/", "a/b/c",
    "web", "settings", "x", "kube-system", "default", "-", "--", "-n", "-nkube-system", "--namespace", "--namespace=default",
    "-A", "--all-namespaces", "-o", "-owide", "-o=json", "yaml", "json", "name", "wide", "table", "-l", "app=web",
    "app!=web", "app in (web)", "!app", "a in", "=", "-w", "--watch", "--watch=false", "-f", "-f -", "web.yaml",
    "--filename=x.yaml", "--replicas", "--replicas=3", "--replicas=-1", "--replicas=x", "--replicas=99999999999",
    "--current-replicas=2", "--all", "--show-labels", "--no-headers", "-h", "--help", "--foo", "-z", "-Az", "é", "💥",
    "--output", "-l=", "--selector=app", "'", "\"", "\\", "%", "$X", "#", "-0", "--=", "-=",
];

const MANIFESTS: &[&str] = &[
    WEB_DEPLOYMENT,
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels:\n    app: web\ndata:\n  a: b\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
    "kind: Frobnicator\napiVersion: v9\nmetadata:\n  name: x\n",
    "{not yaml: [",
    "",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  resourceVersion: \"2\"\nspec:\n  replicas: -1\n",
    "---\n---\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: BAD_NAME\n",
];

#[test]
fn generated_command_lines_never_panic_and_rejected_ones_change_nothing() {
    let seed: u64 = std::env::var("KUBECTL_FUZZ_SEED").ok().and_then(|text| text.parse().ok()).unwrap_or(7);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut world = World::new();
    world.kubectl("apply -f -", WEB_DEPLOYMENT);
    world.settle();
    let mut rejected = 0;
    let mut succeeded = 0;
    for index in 0..LINES {
        let length = (rng.next_u32() % 7) as usize;
        let mut words: Vec<String> = (0..length).map(|_| WORDS[rng.next_u32() as usize % WORDS.len()].to_string()).collect();
        // Half the lines start like a real command.
        if rng.next_u32() % 2 == 0 {
            words.insert(0, ["get", "describe", "delete", "scale", "apply", "create", "edit", "rollout"][rng.next_u32() as usize % 8].to_string());
        }
        // Now and then a word of raw garbage characters.
        if rng.next_u32() % 10 == 0 {
            let garbage: String = (0..(rng.next_u32() % 6)).map(|_| char::from_u32(rng.next_u32() % 0x250).unwrap_or('?')).collect();
            let at = rng.next_u32() as usize % (words.len() + 1);
            words.insert(at, garbage);
        }
        let stdin = MANIFESTS[rng.next_u32() as usize % MANIFESTS.len()];
        let revision = world.etcd.revision();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| kubectl::run(&words, stdin, &mut world.api)));
        let Ok(output) = outcome else {
            panic!("seed {seed}, line {index}: kubectl {words:?} panicked (stdin {stdin:?})");
        };
        if output.output.exit_code != 0 && output.output.exit_code != kubectl::EXIT_INTERRUPTED && output.output.stdout.is_empty() {
            rejected += 1;
            assert_eq!(
                world.etcd.revision(),
                revision,
                "seed {seed}, line {index}: kubectl {words:?} was rejected ({:?}) but wrote",
                output.output.stderr
            );
        } else {
            succeeded += 1;
        }
        // Keep the cluster alive: controllers now and then, as the page runs them.
        if index % 500 == 0 {
            world.controllers.step(&mut world.api);
        }
    }
    println!("{LINES} lines: {rejected} rejected, {succeeded} succeeded");
    assert!(rejected > LINES / 4 && succeeded > LINES / 20, "{rejected} rejected, {succeeded} succeeded");
}
