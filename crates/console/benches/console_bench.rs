//! Speed of the console (release, native): how long typical command lines take end to end
//! (split, resolve, flags, request, print), and completion. Run: `cargo bench -p console`.
//! Figures are printed, never asserted.

use std::time::Instant;

use console::{complete, Console, Execution, SingleMemberBackend, StopReason};

fn measure(name: &str, iterations: u32, mut body: impl FnMut()) {
    let start = Instant::now();
    for _ in 0..iterations {
        body();
    }
    let elapsed = start.elapsed();
    let per_call_microseconds = elapsed.as_secs_f64() * 1e6 / f64::from(iterations);
    println!("{name:<58} {per_call_microseconds:>10.1} µs/command  ({iterations} runs)");
}

fn main() {
    let mut backend = SingleMemberBackend::new();
    let mut console = Console::new();
    for index in 0..1000 {
        let line = format!("etcdctl put /registry/pods/default/pod-{index:04} '{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"pod-{index:04}\"}}}}'");
        console.run(&line, "", &mut backend);
    }
    measure("put (one key, simple output)", 20_000, || {
        console.run(
            "etcdctl put /registry/configmaps/default/c '{\"data\":{}}'",
            "",
            &mut backend,
        );
    });
    measure("get one key -w json", 20_000, || {
        console.run(
            "etcdctl get -w json /registry/pods/default/pod-0500",
            "",
            &mut backend,
        );
    });
    measure("get --prefix --keys-only over 1,000 keys", 500, || {
        console.run(
            "etcdctl get /registry --prefix --keys-only",
            "",
            &mut backend,
        );
    });
    measure("get --prefix -w json over 1,000 keys", 200, || {
        console.run("etcdctl get /registry --prefix -w json", "", &mut backend);
    });
    let txn = "mod(\"/registry/configmaps/default/c\") > \"0\"\n\nput /registry/configmaps/default/c \"{\\\"v\\\":2}\"\n\nget /registry/configmaps/default/c\n\n";
    measure("txn from stdin (compare + put)", 20_000, || {
        console.run("etcdctl txn", txn, &mut backend);
    });
    measure("unknown flag (usage text + errors)", 20_000, || {
        console.run("etcdctl get --prefixx /registry", "", &mut backend);
    });
    measure("endpoint status -w table", 20_000, || {
        console.run("etcdctl endpoint status -w table", "", &mut backend);
    });
    measure("watch --prefix: start, one put, poll, stop", 5_000, || {
        if let Execution::Watching(mut session) = console.execute(
            "etcdctl watch --prefix /registry/secrets/",
            "",
            &mut backend,
        ) {
            console.run(
                "etcdctl put /registry/secrets/default/s x",
                "",
                &mut backend,
            );
            let _ = session.poll(&mut backend);
            let _ = session.stop(&mut backend, StopReason::Interrupt);
        }
    });
    measure("complete a key (50 candidates)", 20_000, || {
        let _ = complete("etcdctl get /registry/pods/default/pod-0", 39, &mut backend);
    });
    measure("complete a flag", 20_000, || {
        let _ = complete("etcdctl get --pre", 17, &mut backend);
    });
}
