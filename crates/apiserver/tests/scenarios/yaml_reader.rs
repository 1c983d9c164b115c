//! The built-in YAML reader agrees with serde_yaml (a full YAML 1.2
//! implementation) on manifest-shaped documents.

const CORPUS: &[&str] = &[
    crate::support::NGINX_DEPLOYMENT,
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: \"a: b # not a comment\"\nspec:\n  selector: {app: web}\n  ports:\n  - name: http\n    port: 80\n    targetPort: 8080\n  - {name: https, port: 443}\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\ndata:\n  run.sh: |\n    #!/bin/sh\n    echo \"hi\"\n      indented\n\n  folded: >-\n    one\n    two\n\n    three\n  keep: |+\n    x\n\n  empty: \"\"\n  quoted: 'it''s'\n  escaped: \"tab\\there\\u00e9\"\n",
    "# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop   # trailing\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, labels: {a: '1'}}\nstringData:\n  password: p@ss:word\n",
    "list:\n- a\n- - nested\n  - seq\n-\n  key: value\n- [1, 2.5, -3, 0x10, true, ~]\nurl: http://example.com:8080/x\nversion: 1.27\nzero: 0\nbig: 12345678901\nneg: -0.5\nexp: 1e3\nstr: 1.2.3\nnulls: null\n",
    "spec:\n  containers:\n    - name: a\n      command: [\"sh\", \"-c\", \"echo $(HOME)\"]\n      env:\n        - name: X\n          value: \"1\"\n        - name: Y\n          valueFrom:\n            fieldRef: {fieldPath: status.podIP}\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: [x, {f: g}]\nh: plain text that\n  continues here\n",
];

#[test]
fn the_yaml_reader_agrees_with_serde_yaml_on_manifests() {
    for (index, text) in CORPUS.iter().enumerate() {
        let ours = apiserver::yaml::parse_documents(text)
            .unwrap_or_else(|error| panic!("document {index}: {error}"));
        let ours: Vec<serde_json::Value> =
            ours.into_iter().filter(|value| !value.is_null()).collect();
        let mut reference = Vec::new();
        for document in serde_yaml::Deserializer::from_str(text) {
            let value: serde_json::Value = serde::Deserialize::deserialize(document)
                .unwrap_or_else(|error| panic!("serde_yaml on {index}: {error}"));
            if !value.is_null() {
                reference.push(value);
            }
        }
        assert_eq!(ours, reference, "document {index}");
    }
}

#[test]
fn what_the_reader_refuses_serde_yaml_refuses_too_except_duplicates_and_unsupported_features() {
    for text in ["a: [1, 2\n", "a: b: c\n", "a: \"open\n", "a:\n\tb: 1\n"] {
        assert!(apiserver::yaml::parse_documents(text).is_err(), "{text:?}");
        let reference: Result<Vec<serde_json::Value>, _> = serde_yaml::Deserializer::from_str(text)
            .map(serde::Deserialize::deserialize)
            .collect();
        assert!(reference.is_err(), "{text:?}");
    }
    // Stricter than serde_yaml, like go-yaml: duplicate keys are an error.
    for unsupported in ["a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n"] {
        assert!(
            apiserver::yaml::parse_documents(unsupported).is_err(),
            "{unsupported:?}"
        );
    }
}
