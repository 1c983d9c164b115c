//! `-o yaml` and `-o json` read back to the same object through the apiserver's own
//! readers (and `-o yaml` through serde_yaml, a full YAML implementation), for generated
//! strings full of the characters YAML treats specially.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde_json::json;

const PIECES: &[&str] = &[
    "a", "Z", "0", "1.5", "-", "- ", ":", ": ", " ", "#", " #", "'", "\"", "\\", "\n", "\t", "|", ">", "*", "&", "!",
    "%", "@", "`", "{", "}", "[", "]", ",", "?", "~", "null", "true", "yes", "No", "0x1F", "1e3", "2026-01-01", "é",
    "💥", "---", "...", "<b>", "\u{7}", "\r", "''", "'' #", " \n", "\n ", "\n\n",
];

#[test]
fn generated_strings_survive_yaml_and_json_output() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for round in 0..5_000 {
        let length = (rng.next_u32() % 6) as usize;
        let text: String = (0..length).map(|_| PIECES[rng.next_u32() as usize % PIECES.len()]).collect();
        let object = json!({"apiVersion": "v1", "kind": "ConfigMap", "data": {"value": text, "list": [text, 1, null, [], {}]}});
        let yaml = kubectl::encode::to_yaml(&object);
        let read = apiserver::yaml::parse_documents(&yaml).map_err(|error| format!("{error}"));
        assert_eq!(read, Ok(vec![object.clone()]), "round {round}: {text:?} as\n{yaml}");
        let reference = serde_yaml::from_str::<serde_json::Value>(&yaml).map_err(|error| format!("{error}"));
        assert_eq!(reference, Ok(object.clone()), "round {round}: serde_yaml on {text:?} as\n{yaml}");
        let printed = kubectl::encode::to_json(&object);
        let read: serde_json::Value = serde_json::from_str(&printed).expect("Go-style JSON is JSON");
        assert_eq!(read, object, "round {round}: {text:?}");
    }
}
