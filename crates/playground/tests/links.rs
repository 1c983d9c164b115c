//! Share links: round trips, replay to the same state, and every kind of bad
//! link answered with a message, never a panic.

use cluster::{FaultAction, MemberId};
use playground::link::{decode_fragment, decode_json, encode_fragment, encode_json, open_fragment, LinkError, MAX_FRAGMENT_CHARS};
use playground::{Playground, PlaygroundConfig, RaceSetup, Scenario, TimedAction, TutorialPosition, UiLayout, UserAction, SCENARIO_FORMAT_VERSION};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

fn random_action(rng: &mut ChaCha8Rng) -> UserAction {
    let member = MemberId(u64::from(rng.next_u32() % 3 + 1));
    match rng.next_u32() % 5 {
        0 => UserAction::Fault { fault: FaultAction::Crash { member } },
        1 => UserAction::Fault { fault: FaultAction::Heal },
        2 => UserAction::Apply { manifest: format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{}\n", rng.next_u32() % 100) },
        3 => UserAction::Console { line: format!("etcdctl put /k{} v", rng.next_u32() % 10), stdin: String::new() },
        4 if rng.next_u32().is_multiple_of(2) => UserAction::Watch { resource: "configmaps".into(), namespace: Some("default".into()), resource_version: Some(format!("{}", rng.next_u32() % 20)) },
        _ => UserAction::Race {
            setup: RaceSetup { namespace: "default".into(), name: "web".into(), replicas_a: 1, replicas_b: 2, retry_on_conflict: rng.next_u32().is_multiple_of(2) },
        },
    }
}

fn random_scenario(seed: u64) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut at_ms = 0;
    let actions = (0..rng.next_u32() % 20)
        .map(|_| {
            at_ms += u64::from(rng.next_u32() % 5_000);
            TimedAction { at_ms, action: random_action(&mut rng) }
        })
        .collect();
    Scenario {
        format_version: SCENARIO_FORMAT_VERSION,
        config: PlaygroundConfig { seed: rng.next_u64(), member_count: (rng.next_u32() % 7 + 1) as u8 },
        actions,
        end_ms: at_ms + 1_000,
        tutorial: (rng.next_u32().is_multiple_of(2)).then(|| TutorialPosition { id: "partition".into(), step: (rng.next_u32() % 5) as usize }),
        layout: UiLayout {
            collapsed_panels: if rng.next_u32().is_multiple_of(2) { vec!["events".into(), "race".into()] } else { Vec::new() },
            registry_member: (rng.next_u32().is_multiple_of(2)).then(|| u64::from(rng.next_u32() % 7 + 1)),
            registry_revision: i64::from(rng.next_u32() % 3),
        },
    }
}

#[test]
fn random_scenarios_survive_the_round_trip_through_a_link_unchanged() {
    for seed in 0..300 {
        let scenario = random_scenario(seed);
        let fragment = encode_fragment(&scenario);
        assert_eq!(decode_fragment(&fragment), Ok(scenario), "seed {seed}: LINK_SEED={seed}");
        assert!(decode_fragment(&format!("#{fragment}")).is_ok(), "a leading # is accepted");
    }
}

#[test]
fn an_opened_link_shows_the_authors_roles_revision_and_keys() {
    let mut author = Playground::new(PlaygroundConfig { seed: 21, member_count: 3 });
    author.advance(3_000);
    author.apply(UserAction::Apply { manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n".into() }).expect("apply");
    author.apply(UserAction::Fault { fault: FaultAction::Crash { member: MemberId(3) } }).expect("crash");
    author.advance(2_000);

    let fragment = encode_fragment(&author.scenario());
    assert!(fragment.len() < 2_000, "a short session makes a short link: {} characters", fragment.len());
    let reader = open_fragment(&fragment).expect("the link opens");
    assert_eq!(reader.trace_hash(), author.trace_hash());
    assert_eq!(reader.view(), author.view());
    assert_eq!(reader.store_revisions(None), author.store_revisions(None));
    assert_eq!(reader.registry_keys(None), author.registry_keys(None));
}

#[test]
fn each_kind_of_bad_link_gets_its_own_message() {
    let good = encode_fragment(&Scenario::determinism_check());
    assert_eq!(decode_fragment("section-2"), Err(LinkError::NotAScenario));
    assert_eq!(decode_fragment("s=abc$def"), Err(LinkError::NotBase64 { position: 3 }));
    assert!(matches!(decode_fragment(&good[..good.len() / 2]), Err(LinkError::CorruptCompression { .. })));
    assert!(matches!(decode_fragment(&format!("s={}", "A".repeat(40))), Err(LinkError::CorruptCompression { .. })));
    let oversized = format!("s={}", "A".repeat(MAX_FRAGMENT_CHARS));
    assert!(matches!(decode_fragment(&oversized), Err(LinkError::TooLarge { .. })));

    // Invalid JSON cannot come out of encode_fragment, so build those links by hand.
    let encode_json = |json: &str| format!("s={}", base64url(&miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6)));
    assert!(matches!(decode_fragment(&encode_json("{not json")), Err(LinkError::InvalidJson { .. })));
    assert!(matches!(decode_fragment(&encode_json("{\"format_version\":1}")), Err(LinkError::InvalidJson { .. })));
    let future = decode_fragment(&encode_json("{\"format_version\":99}")).expect_err("a future version");
    assert_eq!(future, LinkError::FutureVersion { found: 99, supported: SCENARIO_FORMAT_VERSION });
    assert!(future.to_string().contains("newer version"));

    let mut bad_action = Scenario::determinism_check();
    bad_action.actions.push(TimedAction { at_ms: 11_000, action: UserAction::Fault { fault: FaultAction::Crash { member: MemberId(9) } } });
    let error = open_fragment(&encode_fragment(&bad_action)).err().expect("member 9 does not exist");
    assert!(matches!(error, LinkError::ReplayFailed { .. }), "{error:?}");
    let mut bad_size = Scenario::determinism_check();
    bad_size.config.member_count = 9;
    let error = open_fragment(&encode_fragment(&bad_size)).err().expect("9 members is too many");
    assert_eq!(error.to_string(), "this scenario cannot be replayed: a cluster has 1 to 7 members, not 9");
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let value = chunk.iter().fold(0u32, |value, byte| (value << 8) | u32::from(*byte)) << (8 * (3 - chunk.len()));
        for index in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((value >> (18 - 6 * index)) & 63) as usize]));
        }
    }
    out
}

#[test]
fn a_hundred_thousand_mangled_links_never_panic() {
    let good = encode_fragment(&Scenario::determinism_check());
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let alphabet: Vec<char> = "ABCxyz019-_=+/!#%$ ".chars().collect();
    for round in 0..100_000u32 {
        let mut fragment: Vec<char> = good.chars().collect();
        match round % 4 {
            0 => fragment.truncate(rng.next_u32() as usize % (fragment.len() + 1)),
            1 => {
                let position = rng.next_u32() as usize % fragment.len();
                fragment[position] = alphabet[rng.next_u32() as usize % alphabet.len()];
            }
            2 => {
                let position = 2 + rng.next_u32() as usize % (fragment.len() - 2);
                fragment.insert(position, alphabet[rng.next_u32() as usize % 13]);
            }
            _ => fragment = (0..rng.next_u32() % 64).map(|_| alphabet[rng.next_u32() as usize % alphabet.len()]).collect(),
        }
        let fragment: String = fragment.into_iter().collect();
        // Only decoding: replaying 100,000 links would test the simulation, not the codec.
        let _ = decode_fragment(&fragment);
    }
}

#[test]
fn a_link_made_before_tutorials_existed_still_opens_without_a_tutorial() {
    // The JSON of a version-1 scenario without the tutorial and layout fields.
    let old = r#"{"format_version":1,"config":{"seed":5,"member_count":3},"actions":[{"at_ms":3000,"action":{"kind":"console","line":"etcdctl put /a b","stdin":""}}],"end_ms":4000}"#;
    let scenario = decode_json(old.as_bytes()).expect("an old scenario decodes");
    assert_eq!(scenario.tutorial, None);
    assert_eq!(scenario.layout, UiLayout::default());
    // And a scenario without tutorial or layout encodes to the old JSON shape.
    let json: serde_json::Value = serde_json::from_str(&encode_json(&scenario)).expect("json");
    assert_eq!(json, serde_json::from_str::<serde_json::Value>(old).expect("json"));
}

#[test]
fn an_exported_file_is_read_back_through_the_same_checks_as_a_link() {
    let mut scenario = Scenario::determinism_check();
    scenario.tutorial = Some(TutorialPosition { id: "registry".into(), step: 2 });
    scenario.layout.registry_member = Some(2);
    assert_eq!(decode_json(encode_json(&scenario).as_bytes()), Ok(scenario.clone()));

    assert!(matches!(decode_json(b"{not json"), Err(LinkError::InvalidJson { .. })));
    assert!(matches!(decode_json(b"[1, 2, 3]"), Err(LinkError::InvalidJson { .. })));
    assert_eq!(decode_json(br#"{"format_version":7}"#), Err(LinkError::FutureVersion { found: 7, supported: SCENARIO_FORMAT_VERSION }));
    let huge = vec![b' '; playground::link::MAX_SCENARIO_JSON_BYTES + 1];
    assert!(matches!(decode_json(&huge), Err(LinkError::FileTooLarge { .. })));

    scenario.actions.push(TimedAction { at_ms: 11_000, action: UserAction::Fault { fault: FaultAction::Restart { member: MemberId(8) } } });
    let decoded = decode_json(encode_json(&scenario).as_bytes()).expect("the shape is fine");
    let error = playground::link::replay(&decoded).err().expect("member 8 does not exist");
    assert!(matches!(error, LinkError::ReplayFailed { .. }), "{error:?}");
}

/// Every action kind, with the JSON a link carries for it. The literals are
/// the wire format older pages wrote (serde's internally tagged form): links
/// and autosaves made before the hand-written decoders must still open.
fn every_action_with_its_json() -> Vec<(UserAction, &'static str)> {
    use cluster::MessageId;
    let fault = |fault: FaultAction| UserAction::Fault { fault };
    let (one, two) = (MemberId(1), MemberId(2));
    vec![
        (fault(FaultAction::Crash { member: one }), r#"{"kind":"fault","fault":{"action":"crash","member":1}}"#),
        (fault(FaultAction::Restart { member: one }), r#"{"kind":"fault","fault":{"action":"restart","member":1}}"#),
        (fault(FaultAction::Partition { groups: vec![vec![one], vec![two, MemberId(3)]] }), r#"{"kind":"fault","fault":{"action":"partition","groups":[[1],[2,3]]}}"#),
        (fault(FaultAction::Heal), r#"{"kind":"fault","fault":{"action":"heal"}}"#),
        (fault(FaultAction::CutLink { from: one, to: two, both_directions: true }), r#"{"kind":"fault","fault":{"action":"cut_link","from":1,"to":2,"both_directions":true}}"#),
        (fault(FaultAction::RestoreLink { from: two, to: one, both_directions: false }), r#"{"kind":"fault","fault":{"action":"restore_link","from":2,"to":1,"both_directions":false}}"#),
        (
            fault(FaultAction::SetLinkLatency { from: one, to: two, latency_ms_min: 10, latency_ms_max: 250 }),
            r#"{"kind":"fault","fault":{"action":"set_link_latency","from":1,"to":2,"latency_ms_min":10,"latency_ms_max":250}}"#,
        ),
        (fault(FaultAction::SetLinkLoss { from: one, to: two, loss_probability: 0.25 }), r#"{"kind":"fault","fault":{"action":"set_link_loss","from":1,"to":2,"loss_probability":0.25}}"#),
        (fault(FaultAction::HoldMessage { message: MessageId(7) }), r#"{"kind":"fault","fault":{"action":"hold_message","message":7}}"#),
        (fault(FaultAction::ReleaseMessage { message: MessageId(7) }), r#"{"kind":"fault","fault":{"action":"release_message","message":7}}"#),
        (fault(FaultAction::DropMessage { message: MessageId(8) }), r#"{"kind":"fault","fault":{"action":"drop_message","message":8}}"#),
        (fault(FaultAction::AddMember { member: MemberId(4) }), r#"{"kind":"fault","fault":{"action":"add_member","member":4}}"#),
        (fault(FaultAction::RemoveMember { member: two }), r#"{"kind":"fault","fault":{"action":"remove_member","member":2}}"#),
        (fault(FaultAction::TransferLeader { to: two }), r#"{"kind":"fault","fault":{"action":"transfer_leader","to":2}}"#),
        (UserAction::Apply { manifest: "kind: ConfigMap\n".into() }, r#"{"kind":"apply","manifest":"kind: ConfigMap\n"}"#),
        (
            UserAction::Race { setup: RaceSetup { namespace: "default".into(), name: "web".into(), replicas_a: 1, replicas_b: 2, retry_on_conflict: true } },
            r#"{"kind":"race","setup":{"namespace":"default","name":"web","replicas_a":1,"replicas_b":2,"retry_on_conflict":true}}"#,
        ),
        (UserAction::Console { line: "etcdctl txn".into(), stdin: "put a b\n".into() }, r#"{"kind":"console","line":"etcdctl txn","stdin":"put a b\n"}"#),
        (UserAction::StopCommand, r#"{"kind":"stop_command"}"#),
        (UserAction::Delete { resource: "pods".into(), namespace: None, name: "web-1".into() }, r#"{"kind":"delete","resource":"pods","namespace":null,"name":"web-1"}"#),
        (
            UserAction::Watch { resource: "pods".into(), namespace: Some("default".into()), resource_version: Some("12".into()) },
            r#"{"kind":"watch","resource":"pods","namespace":"default","resource_version":"12"}"#,
        ),
    ]
}

#[test]
fn every_kind_of_action_is_written_and_read_in_the_format_older_links_carry() {
    for (action, json) in every_action_with_its_json() {
        assert_eq!(serde_json::to_string(&action).unwrap(), json, "written form of {action:?}");
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::from_value::<UserAction>(value).unwrap(), action, "read back from {json}");
    }
}

#[test]
fn optional_fields_may_be_left_out_and_unknown_fields_are_ignored() {
    let read = |json: &str| serde_json::from_value::<UserAction>(serde_json::from_str(json).unwrap());
    assert_eq!(
        read(r#"{"kind":"delete","resource":"pods","name":"web-1"}"#).unwrap(),
        UserAction::Delete { resource: "pods".into(), namespace: None, name: "web-1".into() }
    );
    assert_eq!(read(r#"{"kind":"watch","resource":"pods"}"#).unwrap(), UserAction::Watch { resource: "pods".into(), namespace: None, resource_version: None });
    assert_eq!(read(r#"{"kind":"fault","fault":{"action":"heal","note":"x"},"extra":1}"#).unwrap(), UserAction::Fault { fault: FaultAction::Heal });
}

#[test]
fn an_action_without_its_tag_or_a_field_its_kind_needs_is_refused_with_the_fields_name() {
    let error = |json: &str| serde_json::from_value::<UserAction>(serde_json::from_str(json).unwrap()).unwrap_err().to_string();
    assert_eq!(error(r#"{"line":"etcdctl get a","stdin":""}"#), "missing field `kind`");
    assert_eq!(error(r#"{"kind":"console","line":"etcdctl get a"}"#), "missing field `stdin`");
    assert_eq!(error(r#"{"kind":"fault","fault":{"member":1}}"#), "missing field `action`");
    assert_eq!(error(r#"{"kind":"fault","fault":{"action":"cut_link","from":1,"to":2}}"#), "missing field `both_directions`");
    assert!(error(r#"{"kind":"teleport"}"#).starts_with("unknown variant `teleport`"), "{}", error(r#"{"kind":"teleport"}"#));
    assert!(error(r#"{"kind":"fault","fault":{"action":"explode"}}"#).starts_with("unknown variant `explode`"));
}

#[test]
fn links_autosaves_and_exported_files_hold_exactly_the_json_serde_json_writes() {
    let mut every_action = random_scenario(1);
    every_action.actions = every_action_with_its_json().into_iter().map(|(action, _)| TimedAction { at_ms: 5, action }).collect();
    for scenario in (0..40).map(random_scenario).chain([every_action]) {
        assert_eq!(playground::link::encode_compact_json(&scenario), serde_json::to_string(&scenario).unwrap());
        assert_eq!(playground::link::encode_json(&scenario), serde_json::to_string_pretty(&scenario).unwrap());
    }
}
