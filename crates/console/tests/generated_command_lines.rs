//! 100,000 generated command lines (seeded ChaCha8): the console never panics, and a command
//! that fails (non-zero exit) never changes the cluster's state.
//!
//! The lines mix real etcdctl vocabulary (commands, prefixes of them, flags with good and bad
//! values, keys, `--`) with noise (typos, unbalanced quotes, unknown flags, odd bytes), and some
//! get a random txn script as stdin. Before and after every line the test takes a fingerprint of
//! the backend (store content hash, revision, compaction revision, leases, members); a failed
//! command must leave it unchanged. A failure prints the seed, the line and the stdin.
//!
//! Re-run one seed: `CONSOLE_FUZZ_SEED=<seed> cargo test -p console --test generated_command_lines`.

use console::backend::EtcdctlBackend;
use console::single_member::SingleMemberBackend;
use console::{Console, Execution, StopReason};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

const COMMAND_LINES: u64 = 100_000;
/// The backend starts over this often, so that fingerprints stay cheap to compute.
const LINES_PER_BACKEND: u64 = 500;

const PROGRAMS: &[&str] = &[
    "etcdctl",
    "etcdctl",
    "etcdctl",
    "etcdctl",
    "ETCDCTL_API=3 etcdctl",
    "ETCDCTL_API=2 etcdctl",
    "timeout 2 etcdctl",
    "timeout x etcdctl",
    "etcd",
    "kubectl",
    "",
];
const COMMANDS: &[&str] = &[
    "get",
    "put",
    "del",
    "txn",
    "compaction",
    "compact",
    "watch",
    "version",
    "defrag",
    "alarm list",
    "alarm disarm",
    "endpoint health",
    "endpoint status",
    "endpoint hashkv",
    "endpoint",
    "member list",
    "mem list",
    "member add",
    "member remove",
    "member update",
    "move-leader",
    "lease grant",
    "lease revoke",
    "lease timetolive",
    "lease list",
    "lease keep-alive",
    "snapshot save",
    "lock",
    "elect",
    "e",
    "l",
    "gett",
    "frobnicate",
    "help",
    "",
    "auth",
    "check perf",
];
const FLAGS: &[&str] = &[
    "--prefix",
    "--prefix=false",
    "--prefix=maybe",
    "--from-key",
    "--keys-only",
    "--print-value-only",
    "--limit=2",
    "--limit",
    "--limit=-3",
    "--limit=x",
    "--rev=0",
    "--rev=2",
    "--rev=-1",
    "--rev=99999",
    "--rev=abc",
    "--rev",
    "--sort-by=MODIFY",
    "--sort-by=SIZE",
    "--order=DESCEND",
    "--order=up",
    "--consistency=s",
    "--consistency=l",
    "--consistency=x",
    "-w",
    "-w json",
    "-w table",
    "-w fields",
    "-w yaml",
    "-wjson",
    "--write-out=simple",
    "--hex",
    "--prev-kv",
    "--lease=0",
    "--lease=zz",
    "--lease=1234abcd",
    "--physical",
    "--cluster",
    "--keys",
    "--peer-urls=http://10.0.0.9:2380",
    "--learner",
    "--endpoints=127.0.0.1:2379",
    "--endpoints=127.0.0.1:23999",
    "--endpoints=http://127.0.0.1:2379,127.0.0.1:22379",
    "--command-timeout=3s",
    "--command-timeout=zz",
    "--dial-timeout=1s",
    "-i",
    "-h",
    "--help",
    "-v",
    "-x",
    "--unknown",
    "--",
    "---",
    "-",
    "--ignore-value",
    "--data-dir=/tmp",
];
const WORDS: &[&str] = &[
    "/registry",
    "/registry/pods/default/a",
    "/registry/pods/",
    "/a",
    "/b",
    "a",
    "''",
    "\"\"",
    "'{\"kind\":\"Pod\"}'",
    "value",
    "-v",
    "1",
    "0",
    "5",
    "-1",
    "abc",
    "2c8a0f1de5204ca0",
    "ffffffffffffffff",
    "10",
    "3600",
    "'unterminated",
    "\"also",
    "a\\ b",
    "#comment",
    "é",
    "\\x00",
    "|",
    ";",
    "&&",
    ">",
    "$HOME",
    "'it''s'",
    "/registry/configmaps/default/x",
    "http://127.0.0.1:2380",
];
const TXN_LINES: &[&str] = &[
    "mod(\"/a\") = \"0\"",
    "mod(\"/a\") > \"1\"",
    "version(\"/b\") != \"2\"",
    "create(\"/a\") < \"9\"",
    "value(\"/a\") = \"x\"",
    "mod(/a) = 5",
    "mod(\"/a\") == \"5\"",
    "lease(\"/a\") = \"0\"",
    "mod(\"/a\") = \"abc\"",
    "frob(\"/a\") = \"1\"",
    "put /a b",
    "put /b \"c d\"",
    "put /a 'x y'",
    "get /a",
    "get /a --prefix",
    "get --rev=abc /a",
    "del /a",
    "del /a /b",
    "del --prefix /",
    "frob a b",
    "put",
    "put /a",
    "get",
    "",
    "",
    "",
];

fn below(rng: &mut ChaCha8Rng, bound: u64) -> u64 {
    rng.next_u64() % bound
}

fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    let index = below(rng, options.len() as u64);
    options[usize::try_from(index).unwrap_or(0)]
}

fn noise(rng: &mut ChaCha8Rng) -> String {
    const ALPHABET: &[char] = &[
        'a', 'Z', '-', '=', '\'', '"', '\\', ' ', '/', '\t', '#', 'é', '\u{0}', '9', '|',
    ];
    let length = below(rng, 8);
    (0..length)
        .map(|_| ALPHABET[usize::try_from(below(rng, ALPHABET.len() as u64)).unwrap_or(0)])
        .collect()
}

fn command_line(rng: &mut ChaCha8Rng) -> (String, String) {
    let mut parts: Vec<String> = vec![pick(rng, PROGRAMS).to_string()];
    if below(rng, 10) == 0 {
        parts.push(pick(rng, FLAGS).to_string());
    }
    parts.push(pick(rng, COMMANDS).to_string());
    let extra = below(rng, 6);
    for _ in 0..extra {
        match below(rng, 10) {
            0..=3 => parts.push(pick(rng, FLAGS).to_string()),
            4..=8 => parts.push(pick(rng, WORDS).to_string()),
            _ => parts.push(noise(rng)),
        }
    }
    let stdin = if below(rng, 3) == 0 {
        let lines = below(rng, 8);
        let mut text: String = (0..lines)
            .map(|_| format!("{}\n", pick(rng, TXN_LINES)))
            .collect();
        if below(rng, 4) == 0 {
            text.push_str(&noise(rng));
        }
        text
    } else {
        String::new()
    };
    (parts.join(" "), stdin)
}

/// Everything a command could change in the cluster.
fn fingerprint(backend: &mut SingleMemberBackend) -> String {
    let store = backend.store();
    let leases = store.leases();
    let summary = format!(
        "{}/{}/{}/{:?}",
        store.content_hash(),
        store.revision(),
        store.compact_revision(),
        leases
    );
    let endpoints = backend.default_endpoints();
    let members = backend
        .member_list(&endpoints)
        .map(|served| served.response);
    format!("{summary}/{members:?}")
}

fn run_seed(seed: u64, lines: u64) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut backend = SingleMemberBackend::new();
    let mut console = Console::new();
    let mut rejected = 0;
    for index in 0..lines {
        if index % LINES_PER_BACKEND == 0 {
            backend = SingleMemberBackend::new();
            // A few keys, so that reads, deletes and txns have something to find.
            for setup in [
                "etcdctl put /a 1",
                "etcdctl put /b 2",
                "etcdctl put /registry/pods/default/a x",
            ] {
                console.run(setup, "", &mut backend);
            }
        }
        let (line, stdin) = command_line(&mut rng);
        let before = fingerprint(&mut backend);
        let output = match console.execute(&line, &stdin, &mut backend) {
            Execution::Finished(output) => output,
            Execution::Watching(mut session) => {
                let _ = session.poll(&mut backend);
                session.stop(&mut backend, StopReason::Interrupt)
            }
        };
        if output.exit_code != 0 && output.exit_code != 130 {
            rejected += 1;
            let after = fingerprint(&mut backend);
            assert_eq!(
                before, after,
                "a rejected command changed the state.\nreproduce: CONSOLE_FUZZ_SEED={seed} cargo test -p console --test generated_command_lines\nline #{index}: {line:?}\nstdin: {stdin:?}\noutput: {output:?}"
            );
        }
        assert!(
            output.exit_code >= 0,
            "seed {seed}, line {line:?}: negative exit code"
        );
    }
    rejected
}

#[test]
fn a_hundred_thousand_generated_command_lines_never_panic_and_rejected_ones_change_nothing() {
    let seed = std::env::var("CONSOLE_FUZZ_SEED")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(0x5eed_c0de);
    let outcome = std::panic::catch_unwind(|| run_seed(seed, COMMAND_LINES));
    match outcome {
        Ok(rejected) => {
            // The generator must exercise both paths, or the property says nothing.
            assert!(
                rejected > COMMAND_LINES / 4,
                "only {rejected} lines were rejected"
            );
            assert!(rejected < COMMAND_LINES, "no line succeeded");
        }
        Err(panic) => {
            eprintln!("the console panicked; reproduce with CONSOLE_FUZZ_SEED={seed} cargo test -p console --test generated_command_lines");
            std::panic::resume_unwind(panic);
        }
    }
}
