//! Secrets are encrypted in etcd with the real aescbc prefix; the API returns plaintext.

use apiserver::storage::encryption::{AescbcKey, EncryptionProvider};
use apiserver::{ApiServerConfig, Resource};
use serde_json::json;

use crate::support::{cluster, cluster_with, create_text, get};

const DB_PASS: &str =
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-pass\nstringData:\n  password: s3cr3t\n";

fn aescbc_config(seed: u64) -> ApiServerConfig {
    ApiServerConfig {
        seed,
        secrets_encryption: EncryptionProvider::Aescbc(AescbcKey {
            name: "key1".into(),
            secret: [0x42; 32],
        }),
        ..ApiServerConfig::default()
    }
}

#[test]
fn an_aescbc_secret_is_ciphertext_in_etcd_and_plaintext_through_the_api() {
    let (mut api, etcd) = cluster_with(aescbc_config(7));
    let created = create_text(&mut api, DB_PASS);
    assert_eq!(created.status_code, 201);
    let raw = etcd
        .raw_get("/registry/secrets/default/db-pass")
        .unwrap_or_default();
    assert!(raw.starts_with(b"k8s:enc:aescbc:v1:key1:"));
    assert!(
        !raw.windows(8).any(|window| window == b"czNjcjN0"),
        "the base64 of the password is not visible"
    );
    let fetched = get(&mut api, Resource::Secret, "default", "db-pass")
        .object()
        .cloned()
        .unwrap_or_default();
    assert_eq!(fetched["data"], json!({"password": "czNjcjN0"}));
    assert_eq!(fetched["type"], json!("Opaque"));
    assert_eq!(fetched.get("stringData"), None);
    let violations = apiserver::invariants::check_all(
        &etcd.raw_range("/registry/"),
        &apiserver::invariants::InvariantContext {
            secrets_encrypted: true,
        },
    );
    assert_eq!(violations, vec![]);
}

#[test]
fn the_same_seed_stores_the_same_ciphertext() {
    let stored = |seed| {
        let (mut api, etcd) = cluster_with(aescbc_config(seed));
        create_text(&mut api, DB_PASS);
        etcd.raw_get("/registry/secrets/default/db-pass")
    };
    assert_eq!(stored(11), stored(11));
    assert_ne!(stored(11), stored(12));
}

#[test]
fn identity_stores_plain_json_and_other_kinds_are_never_encrypted() {
    let (mut api, etcd) = cluster();
    create_text(&mut api, DB_PASS);
    let raw = etcd
        .raw_get("/registry/secrets/default/db-pass")
        .unwrap_or_default();
    assert!(raw.starts_with(b"{"));
    let (mut api, etcd) = cluster_with(aescbc_config(1));
    create_text(
        &mut api,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\n",
    );
    assert!(etcd
        .raw_get("/registry/configmaps/default/c")
        .unwrap_or_default()
        .starts_with(b"{"));
}

#[test]
fn secret_data_that_is_not_base64_is_a_decoding_error_and_nothing_is_written() {
    let (mut api, etcd) = cluster();
    let response = create_text(
        &mut api,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  password: not*base64\n",
    );
    assert_eq!(response.status_code, 400);
    assert_eq!(
        response.status().map(|status| status.message.as_str()),
        Some("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3")
    );
    assert_eq!(etcd.revision(), 5);
}
