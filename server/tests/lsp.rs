//! End-to-end tests of `charter lsp`: the built binary, spawned and driven over stdio exactly
//! like an editor drives it (see `support` for the client). Every test ends with
//! `shutdown` + `exit` and checks that stdout carried nothing but framed protocol messages.

mod support;

use std::time::Duration;

use charter::testing::Rng;

use serde_json::{Value, json};
use support::*;

const BUNDLED: &str = "charter/0.1.0/bundled/anthropic-usage/2025-09-15.policy.yaml";

/// A manifest on the bundled policy with three problems: a consumer legal use case without
/// safeguards (line 3), a prohibited malware use case (line 6), a category typo (line 8).
const BOT: &str = "\
manifest: bot
policy: anthropic-usage@2025-09-15
use-cases:
  - id: legal-help
    categories: [high-risk.legal]
  - id: malware-lab
    categories: [cyber.malware]
  - id: typo-case
    categories: [high-risk.legl]
";

const MISSING_LEGAL: &str = "use case `legal-help` owes `human-in-the-loop`, `ai-disclosure` (required by rule `high-risk-consumer-safeguards`); add them to its `safeguards`; `audience` is not stated, so it is `consumer`; with `audience: business` none of them would be owed";
const PROHIBITED_MALWARE: &str = "use case `malware-lab`: `cyber.malware` is prohibited under policy `anthropic-usage@2025-09-15` by rule `no-malicious-cyber`; remove this category or change the use case so that a rule allows it";
const UNKNOWN_LEGL: &str = "unknown category `high-risk.legl` in use case `typo-case`; did you mean `high-risk.legal`?";

/// The range (as LSP JSON, UTF-8 or UTF-16 alike: the bundled ids are ASCII) of `token` on the
/// first line of the bundled 2025 policy that starts with `line`, indentation included.
fn bundled_range(line: &str, token: &str) -> Value {
    let (n, start) = charter::testing::bundled_2025_position(line, token);
    range(n, start, n, start + token.len() as u32)
}

/// `- id: no-malicious-cyber` in the bundled 2025 policy: the id's range.
fn malicious_cyber_id() -> Value {
    bundled_range("  - id: no-malicious-cyber", "no-malicious-cyber")
}

/// `high-risk.legal:` in the bundled 2025 policy: the declared id's range.
fn high_risk_legal_decl() -> Value {
    bundled_range("  high-risk.legal:", "high-risk.legal")
}

/// A workspace policy layer with its own safeguard and a `require` rule.
const ACME_POLICY: &str = "\
policy: acme
version: 2025-10-01
extends: anthropic-usage@2025-09-15
safeguards:
  audit-log:
    summary: Every conversation is logged.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense]
    safeguards: [audit-log]
";

/// A manifest on `acme`: `blue-team` owes `audit-log`, `logged-team` has it.
const ACME_BOT: &str = "\
manifest: acme-bot
policy: acme@2025-10-01
use-cases:
  - id: blue-team
    categories: [cyber.defense]
  - id: logged-team
    categories: [cyber.defense]
    safeguards: [audit-log]
";

const ERROR: i64 = 1;

fn utf8_client() -> Options {
    Options {
        encodings: Some(vec!["utf-8", "utf-16"]),
        ..Options::default()
    }
}

fn workspace_client(ws: &TempDir) -> Options {
    Options {
        folders: vec![ws.root_uri()],
        progress: true,
        ..Options::default()
    }
}

fn diagnostics(publish: &Value) -> Vec<Value> {
    publish["diagnostics"].as_array().cloned().unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// 1. initialize

#[test]
fn initialize_reports_name_version_encoding_and_capabilities() {
    let server = Server::start(&utf8_client());
    let result = server.initialize_result.clone();
    assert_eq!(result["serverInfo"]["name"], "charter");
    assert_eq!(result["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["hoverProvider"], true);
    assert!(caps["completionProvider"].is_object(), "{caps:#}");
    assert_eq!(caps["definitionProvider"], true);
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentRangeFormattingProvider"], true);
    assert_eq!(caps["foldingRangeProvider"], true);
    assert!(caps["documentLinkProvider"].is_object(), "{caps:#}");
    assert_eq!(caps["workspaceSymbolProvider"], true);
    assert_eq!(caps["documentHighlightProvider"], true);
    assert_eq!(caps["selectionRangeProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll", "source.fixAll.charter"])
    );
    let tokens = &caps["semanticTokensProvider"];
    assert_eq!(
        (tokens["full"].clone(), tokens["range"].clone()),
        (json!(true), json!(true))
    );
    assert_eq!(
        tokens["legend"],
        json!({
            "tokenTypes": ["namespace", "class", "property", "enumMember", "interface", "function", "variable", "label"],
            "tokenModifiers": ["declaration", "deprecated", "defaultLibrary"],
        })
    );
    // Diagnostics are pushed to a client that does not say it pulls them.
    assert_eq!(caps.get("diagnosticProvider"), None, "{caps:#}");
    assert!(caps["inlayHintProvider"] == json!(true) || caps["inlayHintProvider"].is_object());
    assert!(caps["codeLensProvider"].is_object(), "{caps:#}");
    let sync = &caps["textDocumentSync"];
    assert_eq!(sync["change"], 2, "incremental sync: {sync}");
    assert_eq!(sync["openClose"], true);
    server.finish();

    // Not offered: the protocol's default, UTF-16.
    let server = Server::start(&Options::default());
    assert_eq!(server.initialize_result["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(server.initialize_result["serverInfo"]["name"], "charter");
    server.finish();

    // Offered, but not UTF-8: UTF-16 (the server must pick one it can do and the client offers).
    let server = Server::start(&Options {
        encodings: Some(vec!["utf-32", "utf-16"]),
        ..Options::default()
    });
    assert_eq!(server.initialize_result["capabilities"]["positionEncoding"], "utf-16");
    server.finish();

    // UTF-8 offered after UTF-16: still UTF-8.
    let server = Server::start(&Options {
        encodings: Some(vec!["utf-16", "utf-8"]),
        ..Options::default()
    });
    assert_eq!(server.initialize_result["capabilities"]["positionEncoding"], "utf-8");
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 2. diagnostics on open

#[test]
fn open_manifest_publishes_exact_diagnostics() {
    let ws = TempDir::new("open");
    ws.write("bot.usecases.yaml", BOT);
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        ..Options::default()
    });
    server.open_version(&uri, BOT, 7);
    let publish = server.publish_version(&uri, 7);
    assert_eq!(publish["uri"], uri.as_str());
    assert_eq!(
        briefs(&publish),
        vec![
            d("missing-safeguard", ERROR, [3, 8, 3, 18]),
            d("prohibited-use", ERROR, [6, 17, 6, 30]),
            d("unknown-category", ERROR, [8, 17, 8, 31]),
        ]
    );
    for diagnostic in diagnostics(&publish) {
        assert_eq!(diagnostic["source"], "charter", "{diagnostic}");
    }
    assert_eq!(find(&publish, "missing-safeguard")["message"], MISSING_LEGAL);
    assert_eq!(find(&publish, "prohibited-use")["message"], PROHIBITED_MALWARE);
    assert_eq!(find(&publish, "unknown-category")["message"], UNKNOWN_LEGL);
    assert!(find(&publish, "unknown-category")["relatedInformation"].is_null());

    // Related information points into the bundled policy, written to the cache folder.
    let cached = server.cache.path.join(BUNDLED);
    let cached_uri = file_uri(&cached);
    let related = find(&publish, "prohibited-use")["relatedInformation"].clone();
    assert_eq!(
        related,
        json!([{
            "location": { "uri": cached_uri, "range": malicious_cyber_id() },
            "message": "rule `no-malicious-cyber` prohibits it",
        }])
    );
    let related = find(&publish, "missing-safeguard")["relatedInformation"].clone();
    assert_eq!(
        related,
        json!([{
            "location": { "uri": cached_uri, "range": bundled_range("  - id: high-risk-consumer-safeguards", "high-risk-consumer-safeguards") },
            "message": "rule `high-risk-consumer-safeguards` requires it",
        }])
    );
    let text = std::fs::read_to_string(&cached).expect("the bundled policy is written to the cache folder");
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/anthropic-usage/2025-09-15.policy.yaml"),
    )
    .unwrap();
    assert_eq!(text, source, "the cached file is the bundled policy");
    assert_eq!(slice(&text, &malicious_cyber_id(), true), "no-malicious-cyber");
    assert!(
        server
            .cache
            .path
            .join("charter/0.1.0/bundled/anthropic-usage/2024-06-06.policy.yaml")
            .is_file()
    );

    // The client did not allow dynamic registration: the server must not ask for it. It would
    // ask in `initialized` and wait for the answer before indexing the workspace, so once a
    // manifest held back until indexing ends (for its unknown policy) is published, any such
    // request has come.
    let held = ws.uri("held.usecases.yaml");
    server.open(&held, "manifest: held\npolicy: nowhere@2025-01-01\nuse-cases: []\n");
    server.publish_where(&held, "unknown-policy", |p| {
        codes(p).contains(&String::from("unknown-policy"))
    });
    assert!(
        server
            .server_requests()
            .iter()
            .all(|r| r["method"] != "client/registerCapability"),
        "{:#?}",
        server.server_requests()
    );
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 3. incremental changes

#[test]
fn incremental_change_updates_diagnostics_and_stale_changes_are_ignored() {
    let ws = TempDir::new("change");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    let first = server.publish_version(&uri, 1);
    assert_eq!(
        codes(&first),
        ["missing-safeguard", "prohibited-use", "unknown-category"]
    );

    // Fix the typo: `high-risk.leg|l` ← insert `a`.
    server.change(&uri, 2, json!([{ "range": range(8, 30, 8, 30), "text": "a" }]));
    let second = server.publish_version(&uri, 2);
    assert_eq!(
        briefs(&second),
        vec![
            d("missing-safeguard", ERROR, [3, 8, 3, 18]),
            d("prohibited-use", ERROR, [6, 17, 6, 30]),
            d("missing-safeguard", ERROR, [7, 8, 7, 17]),
        ]
    );

    // A stale change (version 1 < 2) is ignored, even one replacing the whole text.
    server.change(&uri, 1, json!([{ "text": "manifest: bot\nbogus: [\n" }]));
    // Then a real one whose range only makes sense on the current text.
    server.change(
        &uri,
        3,
        json!([{ "range": range(6, 17, 6, 30), "text": "cyber.defense" }]),
    );
    let mut seen = Vec::new();
    let third = server.publish_where(&uri, "version 3", |p| {
        seen.push(p["version"].clone());
        p["version"] == 3
    });
    assert!(seen.iter().all(|v| v != 1), "a stale version was published: {seen:?}");
    assert_eq!(
        briefs(&third),
        vec![
            d("missing-safeguard", ERROR, [3, 8, 3, 18]),
            d("missing-safeguard", ERROR, [7, 8, 7, 17]),
        ]
    );

    // Several changes in one notification apply in order, each on the text the previous left.
    server.change(
        &uri,
        4,
        json!([
            { "range": range(0, 0, 0, 0), "text": "# a comment\n" },
            { "range": range(9, 30, 9, 31), "text": "" },
        ]),
    );
    let fourth = server.publish_version(&uri, 4);
    assert_eq!(
        briefs(&fourth),
        vec![
            d("missing-safeguard", ERROR, [4, 8, 4, 18]),
            d("unknown-category", ERROR, [9, 17, 9, 31]),
        ]
    );
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 4. dependencies between open documents

#[test]
fn editing_a_policy_rechecks_the_manifest_that_uses_it() {
    let ws = TempDir::new("policy-edit");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("bot.usecases.yaml", ACME_BOT);
    let (policy, manifest) = (ws.uri("acme.policy.yaml"), ws.uri("bot.usecases.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&manifest, ACME_BOT);
    let before = server.publish_where(&manifest, "missing-safeguard", |p| !diagnostics(p).is_empty());
    assert_eq!(before["version"], 1);
    assert_eq!(briefs(&before), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    let missing = find(&before, "missing-safeguard");
    assert_eq!(
        missing["message"],
        "use case `blue-team` owes `audit-log` (required by rule `defense-logged`); add it to its `safeguards`"
    );
    assert_eq!(
        missing["relatedInformation"],
        json!([{
            "location": { "uri": policy, "range": range(7, 8, 7, 22) },
            "message": "rule `defense-logged` requires it",
        }])
    );

    // Remove the `require` rule from the policy (the last five lines).
    server.change(&policy, 2, json!([{ "range": range(6, 0, 11, 0), "text": "" }]));
    let after = server.publish_where(&manifest, "no missing-safeguard", |p| {
        !codes(p).contains(&String::from("missing-safeguard"))
    });
    assert_eq!(after["version"], 1, "the manifest itself did not change");
    assert_eq!(briefs(&after), vec![]);
    let policy_publish = server.publish_version(&policy, 2);
    assert_eq!(briefs(&policy_publish), vec![]);

    // And back: the rule returns, so does the finding.
    server.change(&policy, 3, json!([{ "text": ACME_POLICY }]));
    let again = server.publish_where(&manifest, "missing-safeguard again", |p| !diagnostics(p).is_empty());
    assert_eq!(briefs(&again), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

const BASE_POLICY: &str = "\
policy: base
version: 2025-10-01
extends: anthropic-usage@2025-09-15
safeguards:
  audit-log:
    summary: Every conversation is logged.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense]
    safeguards: [audit-log]
";

const TOP_POLICY: &str = "\
policy: top
version: 2025-10-02
extends: base@2025-10-01
categories:
  support:
    summary: Customer support.
";

const TOP_BOT: &str = "\
manifest: top-bot
policy: top@2025-10-02
use-cases:
  - id: blue-team
    categories: [cyber.defense]
  - id: helpdesk
    categories: [support]
";

#[test]
fn editing_the_base_of_a_chain_rechecks_manifests_of_the_top_layer() {
    let ws = TempDir::new("chain");
    ws.write("base.policy.yaml", BASE_POLICY);
    ws.write("layers/top.policy.yaml", TOP_POLICY);
    ws.write("top.usecases.yaml", TOP_BOT);
    let (base, manifest) = (ws.uri("base.policy.yaml"), ws.uri("top.usecases.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    // The middle layer stays closed: it comes from the disk index.
    server.open(&base, BASE_POLICY);
    server.open(&manifest, TOP_BOT);
    let before = server.publish_where(&manifest, "missing-safeguard", |p| !diagnostics(p).is_empty());
    assert_eq!(briefs(&before), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    assert_eq!(
        find(&before, "missing-safeguard")["message"],
        "use case `blue-team` owes `audit-log` (required by rule `defense-logged` (from `base@2025-10-01`)); add it to its `safeguards`"
    );

    server.change(&base, 2, json!([{ "range": range(6, 0, 11, 0), "text": "" }]));
    let after = server.publish_where(&manifest, "no diagnostics", |p| diagnostics(p).is_empty());
    assert_eq!(after["version"], 1);

    // Renaming the base's version breaks the chain: the top layer's `extends` is unknown, and
    // the manifest's policy cannot be judged.
    server.change(&base, 3, json!([{ "range": range(1, 9, 1, 19), "text": "2025-10-09" }]));
    let broken = server.publish_where(&manifest, "a change", |p| !diagnostics(p).is_empty());
    assert!(!codes(&broken).is_empty(), "{broken:#}");
    server.change(&base, 4, json!([{ "text": BASE_POLICY }]));
    let back = server.publish_where(&manifest, "missing-safeguard again", |p| {
        codes(p) == ["missing-safeguard"]
    });
    assert_eq!(briefs(&back), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 5. files on disk

const LIB_POLICY: &str = "\
policy: lib
version: 2025-10-01
extends: anthropic-usage@2025-09-15
safeguards:
  audit-log:
    summary: Every conversation is logged.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense]
    safeguards: [audit-log]
";

const APP: &str = "\
manifest: app
policy: lib@2025-10-01
use-cases:
  - id: blue-team
    categories: [cyber.defense]
";

const LATER: &str = "\
manifest: later
policy: fresh@2025-10-01
use-cases:
  - id: blue-team
    categories: [cyber.defense]
";

const FRESH_POLICY: &str = "\
policy: fresh
version: 2025-10-01
extends: anthropic-usage@2025-09-15
rules:
  - id: no-defense
    effect: prohibit
    categories: [cyber.defense]
";

#[test]
fn no_unknown_policy_is_published_before_the_workspace_is_indexed() {
    let ws = TempDir::new("early");
    ws.write("policies/lib.policy.yaml", LIB_POLICY);
    ws.write("app.usecases.yaml", APP);
    let app = ws.uri("app.usecases.yaml");
    let options = Options {
        folders: vec![ws.root_uri()],
        ..Options::default()
    };
    let server = Server::spawn(&options);
    server.ok("initialize", options.initialize_params());
    // Opened before `initialized`, which starts the indexing: policy `lib` is not read yet,
    // and a false `unknown-policy` (or a false all-clear) is not shown meanwhile.
    server.open(&app, APP);
    let early = server.publishes_until_settled(&app);
    assert!(early.is_empty(), "{early:#?}");
    server.notify("initialized", json!({}));
    let judged = server.publish(&app);
    assert_eq!(briefs(&judged), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
}

/// A policy of the workspace, open in the editor while manifests that use it are indexed.
const APP_POLICY: &str = "\
policy: app-policy
version: 2025-01-01
categories:
  support:
    summary: Customer support.
";

/// A manifest of `n` use cases under `app-policy`, a few megabytes for tens of thousands.
fn big_manifest(id: &str, n: usize) -> String {
    let mut text = format!("manifest: {id}\npolicy: app-policy\nuse-cases:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  - id: case-{i}\n    summary: Answer customer question number {i} about orders.\n    categories: [support]\n"
        ));
    }
    text
}

/// The title of the code lens on a policy's first line: what uses it.
fn policy_lens(server: &Server, uri: &str) -> String {
    let lenses = server.ok("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    lenses[0]["command"]["title"].as_str().unwrap_or_default().to_owned()
}

/// Neither an edit nor a request waits for the workspace index. The big manifests of this
/// workspace take the index seconds to parse; a request made meanwhile is answered from what
/// is known now (the open policy is used by no manifest yet), where a server that parsed under
/// its lock would answer only after the index, counting the four. An edit of the policy made
/// then is published before the index ends, and once it ends the policy counts its users.
#[test]
fn an_edit_while_a_big_workspace_is_indexed_is_answered_before_the_index_ends() {
    let ws = TempDir::new("big-index");
    for i in 0..4 {
        ws.write(
            &format!("big/m{i}.usecases.yaml"),
            &big_manifest(&format!("m{i}"), 15_000),
        );
    }
    ws.write("app.policy.yaml", APP_POLICY);
    let policy = ws.uri("app.policy.yaml");
    let options = workspace_client(&ws);
    let server = Server::spawn(&options);
    server.ok("initialize", options.initialize_params());
    server.open(&policy, APP_POLICY);
    server.notify("initialized", json!({}));
    server.notification("$/progress"); // the index begins
    // Past the quick reading of the files, into their parsing.
    std::thread::sleep(Duration::from_millis(500));
    let during = policy_lens(&server, &policy);
    assert!(!server.indexing_ended(), "the request waited for the index to end");
    assert!(during.contains("used by no manifest"), "{during}");
    let edited = APP_POLICY.replace("Customer support.", "Customer support by chat.");
    server.change(&policy, 2, json!([{ "text": edited }]));
    let published = server.publish_version(&policy, 2);
    assert!(
        !server.indexing_ended(),
        "the edit was answered only after the index ended"
    );
    assert!(diagnostics(&published).is_empty(), "{published}");
    server.wait_indexed();
    let after = policy_lens(&server, &policy);
    assert!(after.contains("used by 4 manifests"), "{after}");
    server.finish();
}

#[test]
fn closed_files_are_indexed_and_kept_current_by_watched_file_events() {
    let ws = TempDir::new("disk");
    ws.write("policies/lib.policy.yaml", LIB_POLICY);
    ws.write("app.usecases.yaml", APP);
    ws.write("later.usecases.yaml", LATER);
    let (app, later) = (ws.uri("app.usecases.yaml"), ws.uri("later.usecases.yaml"));
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        watch_registration: true,
        ..Options::default()
    });

    // The server registers its own watchers, for both kinds of file.
    let registration = server.server_request("client/registerCapability");
    let registrations = registration["params"]["registrations"].as_array().unwrap();
    assert_eq!(registrations.len(), 1, "{registration}");
    assert_eq!(registrations[0]["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&Value> = registrations[0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["globPattern"])
        .collect();
    assert_eq!(
        globs,
        [&json!("**/*.policy.{yaml,yml}"), &json!("**/*.usecases.{yaml,yml}")]
    );

    // The policy is not open: it resolves from the index (no unknown-policy, once indexed).
    server.open(&app, APP);
    let publish = server.publish_where(&app, "no unknown-policy", |p| {
        !codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&publish), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    let related = &find(&publish, "missing-safeguard")["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], ws.uri("policies/lib.policy.yaml"));
    assert_eq!(related["range"], range(7, 8, 7, 22));

    server.open(&later, LATER);
    let unknown = server.publish_version(&later, 1);
    assert_eq!(briefs(&unknown), vec![d("unknown-policy", ERROR, [1, 8, 1, 24])]);
    assert_eq!(
        find(&unknown, "unknown-policy")["message"],
        "manifest `later` uses `fresh@2025-10-01`, which is not a known policy; add the policy file to the workspace or fix the name"
    );

    // A policy file appears on disk.
    let fresh = ws.write("policies/fresh.policy.yaml", FRESH_POLICY);
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&fresh), "type": 1 }] }),
    );
    let resolved = server.publish_where(&later, "no unknown-policy", |p| {
        !codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&resolved), vec![d("prohibited-use", ERROR, [4, 17, 4, 30])]);

    // A closed policy changes on disk: the rule goes.
    ws.write(
        "policies/lib.policy.yaml",
        &LIB_POLICY.replace("categories: [cyber.defense]", "categories: [cyber.malware]"),
    );
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": ws.uri("policies/lib.policy.yaml"), "type": 2 }] }),
    );
    let changed = server.publish_where(&app, "no diagnostics", |p| diagnostics(p).is_empty());
    assert_eq!(changed["version"], 1);

    // The new policy is deleted: unknown again.
    std::fs::remove_file(&fresh).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&fresh), "type": 3 }] }),
    );
    let gone = server.publish_where(&later, "unknown-policy", |p| {
        codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&gone), vec![d("unknown-policy", ERROR, [1, 8, 1, 24])]);
    server.finish();
}

/// A `file://` URI the way Neovim's `vim.uri_from_fname` writes it (RFC 3986: sub-delimiters
/// such as `(`, `)`, `+`, `,` stay unencoded; space and non-ASCII are encoded).
fn neovim_uri(path: &std::path::Path) -> String {
    let mut out = String::from("file://");
    for &b in path.to_str().unwrap().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The same file, named by the client in another (equally valid) spelling of its URI than the
/// one the server uses when it indexes the disk, must still be one file: editing the open
/// policy must change the verdicts, with no duplicate of the disk copy left behind.
#[test]
fn a_file_is_one_document_whatever_the_spelling_of_its_uri() {
    let ws = TempDir::new("spelling");
    let dir = ws.path.join("proj (copy)+1");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("acme.policy.yaml"), ACME_POLICY).unwrap();
    std::fs::write(dir.join("bot.usecases.yaml"), ACME_BOT).unwrap();
    let policy = neovim_uri(&dir.join("acme.policy.yaml"));
    let manifest = neovim_uri(&dir.join("bot.usecases.yaml"));
    let server = Server::start(&Options {
        folders: vec![neovim_uri(&dir)],
        progress: true,
        ..Options::default()
    });
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&manifest, ACME_BOT);
    let first = server.publish_version(&manifest, 1);
    assert_eq!(
        briefs(&first),
        vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])],
        "{first:#}"
    );
    let policy_first = server.publish_version(&policy, 1);

    server.change(&policy, 2, json!([{ "range": range(6, 0, 11, 0), "text": "" }]));
    let after = server.publish_where(&manifest, "a re-check after the policy edit", |_| true);
    assert_eq!(
        briefs(&policy_first),
        vec![],
        "the open policy is not a duplicate of itself: {policy_first:#}"
    );
    assert_eq!(
        briefs(&after),
        vec![],
        "editing the open policy must change the verdict: {after:#}"
    );
    server.finish();
}

/// A document opened through a linked folder keeps its identity when its file is deleted on
/// disk (resolving the link then fails): the next edit is published and hover still answers.
#[cfg(unix)]
#[test]
fn a_document_opened_through_a_link_survives_the_deletion_of_its_file() {
    let ws = TempDir::new("symlink-deleted");
    let real = ws.path.join("real");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("bot.usecases.yaml"), BOT).unwrap();
    let link = ws.path.join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let manifest = file_uri(&link.join("bot.usecases.yaml"));
    let server = Server::start(&Options {
        folders: vec![file_uri(&link)],
        progress: true,
        ..Options::default()
    });
    server.wait_indexed();
    server.open(&manifest, BOT);
    assert_eq!(codes(&server.publish_version(&manifest, 1)).len(), 3);
    std::fs::remove_file(real.join("bot.usecases.yaml")).unwrap();
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": manifest, "type": 3 }] }),
    );
    server.change(&manifest, 2, json!([{ "range": range(7, 0, 9, 0), "text": "" }]));
    let after = server.publish_version(&manifest, 2);
    let mut got = codes(&after);
    got.sort();
    assert_eq!(got, vec!["missing-safeguard", "prohibited-use"], "{after:#}");
    let hover = server.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": manifest }, "position": pos(4, 18) }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .contains("high-risk.legal"),
        "{hover}"
    );
    server.finish();
}

/// The workspace folder reached through a symbolic link (as on macOS, where `/tmp` is a link to
/// `/private/tmp`, or a home folder linked elsewhere): the editor names files by the link's
/// path, and the server must still see one file per path.
#[cfg(unix)]
#[test]
fn a_workspace_folder_reached_through_a_symlink_is_one_set_of_files() {
    let ws = TempDir::new("symlink");
    let real = ws.path.join("real");
    std::fs::create_dir_all(&real).unwrap();
    std::fs::write(real.join("acme.policy.yaml"), ACME_POLICY).unwrap();
    std::fs::write(real.join("bot.usecases.yaml"), ACME_BOT).unwrap();
    let link = ws.path.join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let policy = file_uri(&link.join("acme.policy.yaml"));
    let manifest = file_uri(&link.join("bot.usecases.yaml"));
    let server = Server::start(&Options {
        folders: vec![file_uri(&link)],
        progress: true,
        ..Options::default()
    });
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&manifest, ACME_BOT);
    let first = server.publish_version(&manifest, 1);
    assert_eq!(
        briefs(&first),
        vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])],
        "{first:#}"
    );
    let policy_first = server.publish_version(&policy, 1);
    assert_eq!(
        briefs(&policy_first),
        vec![],
        "the open policy is not a duplicate of itself: {policy_first:#}"
    );
    server.change(&policy, 2, json!([{ "range": range(6, 0, 11, 0), "text": "" }]));
    let after = server.publish_where(&manifest, "a re-check after the policy edit", |_| true);
    assert_eq!(
        briefs(&after),
        vec![],
        "editing the open policy must change the verdict: {after:#}"
    );
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 6. non-ASCII text

const UNI: &str = "manifest: uni\nuse-cases:\n  - {summary: 中文😀, id: x, categories: [high-risk.legl]}\n";

#[test]
fn positions_count_utf16_units_or_bytes_as_negotiated() {
    for utf8 in [false, true] {
        let ws = TempDir::new("unicode");
        let uri = ws.uri("uni.usecases.yaml");
        let options = if utf8 { utf8_client() } else { Options::default() };
        let server = Server::start(&options);
        assert_eq!(
            server.initialize_result["capabilities"]["positionEncoding"],
            if utf8 { "utf-8" } else { "utf-16" }
        );
        // `  - {summary: 中文😀, id: x, categories: [` is 39 characters, 40 UTF-16 units, 46 bytes.
        let col = |utf16: u64, bytes: u64| if utf8 { bytes } else { utf16 };
        server.open(&uri, UNI);
        let first = server.publish_version(&uri, 1);
        assert_eq!(
            briefs(&first),
            vec![d("unknown-category", ERROR, [2, col(40, 46), 2, col(54, 60)])],
            "utf8: {utf8}"
        );

        // Fix the typo by an insertion after the emoji on the same line.
        let at = col(53, 59) as u32;
        server.change(&uri, 2, json!([{ "range": range(2, at, 2, at), "text": "a" }]));
        let second = server.publish_version(&uri, 2);
        assert_eq!(
            briefs(&second),
            vec![d("missing-safeguard", ERROR, [2, col(24, 30), 2, col(25, 31)])],
            "utf8: {utf8}"
        );
        assert!(
            find(&second, "missing-safeguard")["message"]
                .as_str()
                .unwrap()
                .starts_with("use case `x` owes")
        );

        // A change whose range starts right after the emoji: `, id: x,` → `, id: yy,`.
        let after_emoji = col(18, 24) as u32;
        assert_eq!(
            find_pos(UNI, ", id: x", 0, 0, utf8),
            pos(2, after_emoji),
            "test's own arithmetic"
        );
        server.change(
            &uri,
            3,
            json!([{ "range": range(2, after_emoji, 2, after_emoji + 7), "text": ", id: yy" }]),
        );
        let third = server.publish_version(&uri, 3);
        assert_eq!(
            briefs(&third),
            vec![d("missing-safeguard", ERROR, [2, col(24, 30), 2, col(26, 32)])],
            "utf8: {utf8}"
        );
        assert!(
            find(&third, "missing-safeguard")["message"]
                .as_str()
                .unwrap()
                .starts_with("use case `yy` owes")
        );

        // Out-of-range positions are clamped: a column past the end of line 2 is its end, a
        // line past the end of the text is the end of the text.
        server.change(
            &uri,
            4,
            json!([
                { "range": range(2, 500, 2, 900), "text": " # tail" },
                { "range": range(50, 0, 60, 3), "text": "# eof\n" },
            ]),
        );
        let fourth = server.publish_version(&uri, 4);
        assert_eq!(briefs(&fourth), briefs(&third), "utf8: {utf8}");
        // The text is now `…}` + ` # tail\n# eof\n`: line 3 is `# eof`.
        server.change(&uri, 5, json!([{ "range": range(3, 0, 3, 5), "text": "bogus: 1" }]));
        let fifth = server.publish_version(&uri, 5);
        assert_eq!(
            briefs(&fifth),
            vec![
                d("missing-safeguard", ERROR, [2, col(24, 30), 2, col(26, 32)]),
                d("unknown-key", ERROR, [3, 0, 3, 5]),
            ],
            "utf8: {utf8}: {fifth:#}"
        );

        // A position inside the emoji (between its UTF-16 surrogates, or inside its UTF-8
        // bytes): no crash, the server goes on.
        let inside = col(17, 22) as u32;
        server.change(&uri, 6, json!([{ "range": range(2, inside, 2, inside), "text": "" }]));
        let sixth = server.publish_version(&uri, 6);
        assert_eq!(briefs(&sixth), briefs(&fifth));
        server.change(
            &uri,
            7,
            json!([{ "range": range(2, inside, 2, inside + 1), "text": "z" }]),
        );
        let seventh = server.publish_version(&uri, 7);
        assert!(codes(&seventh).contains(&String::from("unknown-key")), "{seventh:#}");
        server.finish();
    }
}

// ---------------------------------------------------------------------------------------------
// 7. editor features

#[test]
fn hover_on_a_category_shows_verdict_and_quoted_section() {
    for (locale, title, expected, cyber_title) in [
        (
            None,
            "High-Risk Use Case Requirements",
            "Uses in domains vital to public welfare and social equity carry more risk",
            "Do Not Compromise Computer or Network Systems",
        ),
        (
            Some("zh-CN"),
            "高风险使用案例要求",
            "在事关公共福利和社会公平的领域中使用，风险更高",
            "不得危害计算机或网络系统",
        ),
    ] {
        let ws = TempDir::new("hover");
        let uri = ws.uri("bot.usecases.yaml");
        let server = Server::start(&Options {
            locale,
            ..Options::default()
        });
        server.open(&uri, BOT);
        server.publish_version(&uri, 1);
        let params =
            |line: u32, character: u32| json!({ "textDocument": { "uri": uri }, "position": pos(line, character) });
        let hover = server.ok("textDocument/hover", params(4, 24));
        assert!(!hover.is_null(), "no hover on `high-risk.legal` (locale {locale:?})");
        assert_eq!(hover["contents"]["kind"], "markdown");
        assert_eq!(hover["range"], range(4, 17, 4, 32));
        let text = hover["contents"]["value"].as_str().unwrap();
        assert!(text.contains(title), "locale {locale:?}: {text}");
        assert!(text.contains(expected), "locale {locale:?}: {text}");
        assert!(text.contains("allowed"), "the verdict: {text}");
        assert!(
            text.contains("human-in-the-loop") && text.contains("ai-disclosure"),
            "owed: {text}"
        );

        let hover = server.ok("textDocument/hover", params(6, 20));
        let text = hover["contents"]["value"].as_str().unwrap_or_default();
        assert!(
            text.contains("prohibited") && text.contains("no-malicious-cyber"),
            "{hover}"
        );
        assert!(text.contains(cyber_title), "locale {locale:?}: {text}");
        server.finish();
    }
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.get("items").unwrap_or(completion);
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| i["label"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn item<'a>(completion: &'a Value, label: &str) -> &'a Value {
    let items = completion.get("items").unwrap_or(completion);
    items
        .as_array()
        .and_then(|all| all.iter().find(|i| i["label"] == label))
        .unwrap_or_else(|| panic!("no completion {label:?} in {:?}", labels(completion)))
}

#[test]
fn completion_offers_category_ids_with_their_summaries() {
    let ws = TempDir::new("completion");
    let server = Server::start(&Options::default());

    let uri = ws.uri("partial.usecases.yaml");
    let text = "manifest: bot\nuse-cases:\n  - id: a\n    categories: [high-risk.l";
    server.open(&uri, text);
    let completion = server.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos(3, 28) }),
    );
    let legal = item(&completion, "high-risk.legal");
    let edit = legal["textEdit"].clone();
    assert_eq!(
        apply_edits(text, &[edit], false),
        "manifest: bot\nuse-cases:\n  - id: a\n    categories: [high-risk.legal"
    );
    let docs = format!("{} {}", legal["detail"], legal["documentation"]);
    assert!(
        docs.contains("Legal interpretation, legal guidance or decisions with legal consequences."),
        "the summary: {legal}"
    );

    server.finish();
}

#[test]
fn completion_in_a_file_whose_yaml_is_broken_offers_keys_and_values() {
    let ws = TempDir::new("completion-broken");
    let server = Server::start(&Options::default());
    // A half-typed key in a file whose YAML is broken further down.
    let uri = ws.uri("broken.usecases.yaml");
    let text = "manifest: bot\nuse-cases:\n  - id: a\n    categories: [high-risk.legal]\n    aud\n  - id: b\n    categories: [cyber.defense\n";
    server.open(&uri, text);
    let publish = server.publish_version(&uri, 1);
    assert!(codes(&publish).contains(&String::from("yaml-syntax")), "{publish:#}");
    let completion = server.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos(4, 7) }),
    );
    let all = labels(&completion);
    assert!(all.contains(&String::from("audience")), "{all:?}");
    assert!(all.contains(&String::from("safeguards")), "{all:?}");

    // A half-typed value there.
    server.change(&uri, 2, json!([{ "range": range(4, 4, 4, 7), "text": "audience: c" }]));
    let completion = server.ok(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos(4, 15) }),
    );
    let all = labels(&completion);
    assert!(all.contains(&String::from("consumer")), "{all:?}");
    server.finish();
}

#[test]
fn definition_jumps_into_the_cached_bundled_policy() {
    let ws = TempDir::new("definition");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    let definition = server.ok(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(4, 24) }),
    );
    let cached = server.cache.path.join(BUNDLED);
    let locations: Vec<Value> = match &definition {
        Value::Array(all) => all.clone(),
        Value::Object(_) => vec![definition.clone()],
        _ => panic!("no definition for `high-risk.legal`: {definition}"),
    };
    assert_eq!(locations.len(), 1, "{definition}");
    let location = &locations[0];
    let (target_uri, target_range) = match location.get("targetUri") {
        Some(target) => (target.clone(), location["targetSelectionRange"].clone()),
        None => (location["uri"].clone(), location["range"].clone()),
    };
    assert_eq!(target_uri, file_uri(&cached));
    assert_eq!(target_range, high_risk_legal_decl());
    let text = std::fs::read_to_string(&cached).unwrap();
    assert_eq!(slice(&text, &target_range, false), "high-risk.legal");

    // From the manifest's `policy:` value to the policy's file.
    let definition = server.ok(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(1, 12) }),
    );
    assert!(definition.to_string().contains(&file_uri(&cached)), "{definition}");
    server.finish();
}

#[test]
fn rename_a_workspace_safeguard_across_policy_and_manifest() {
    let ws = TempDir::new("rename");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("bot.usecases.yaml", ACME_BOT);
    let (policy, manifest) = (ws.uri("acme.policy.yaml"), ws.uri("bot.usecases.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&manifest, ACME_BOT);
    server.publish_version(&manifest, 1);

    let at = json!({ "textDocument": { "uri": manifest }, "position": pos(7, 20) });
    let prepared = server.ok("textDocument/prepareRename", at.clone());
    let prepared_range = prepared.get("range").cloned().unwrap_or(prepared.clone());
    assert_eq!(prepared_range, range(7, 17, 7, 26), "{prepared}");

    let references = server.ok(
        "textDocument/references",
        json!({ "textDocument": { "uri": manifest }, "position": pos(7, 20), "context": { "includeDeclaration": true } }),
    );
    let mut found: Vec<(String, Value)> = references
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_owned(), l["range"].clone()))
        .collect();
    found.sort_by_key(|(u, r)| (u.clone(), r.to_string()));
    let mut expected = vec![
        (policy.clone(), range(4, 2, 4, 11)),
        (policy.clone(), range(10, 17, 10, 26)),
        (manifest.clone(), range(7, 17, 7, 26)),
    ];
    expected.sort_by_key(|(u, r)| (u.clone(), r.to_string()));
    assert_eq!(found, expected);

    let mut rename_params = at.clone();
    rename_params["newName"] = json!("audit-trail");
    let edit = server.ok("textDocument/rename", rename_params);
    let changes = edit["changes"].as_object().unwrap_or_else(|| panic!("{edit}"));
    assert_eq!(changes.len(), 2, "{edit:#}");
    let new_policy = apply_edits(ACME_POLICY, changes[&policy].as_array().unwrap(), false);
    let new_manifest = apply_edits(ACME_BOT, changes[&manifest].as_array().unwrap(), false);
    assert_eq!(new_policy, ACME_POLICY.replace("audit-log", "audit-trail"));
    assert_eq!(new_manifest, ACME_BOT.replace("audit-log", "audit-trail"));

    // An invalid id is refused with an error response, not an edit.
    let mut invalid = at.clone();
    invalid["newName"] = json!("Audit Trail");
    let error = server
        .request("textDocument/rename", invalid)
        .expect_err("an invalid id is an error");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    server.finish();
}

const SYMBOLS_POLICY: &str = "\
policy: shop
version: 2025-10-01
safeguards:
  audit-log:
    summary: Every conversation is logged.
sections:
  support-ops:
    title: Support operations
    text: Support is logged.
categories:
  support:
    summary: Customer support.
    section: support-ops
  support.faq:
    summary: Questions.
rules:
  - id: support-logged
    effect: require
    categories: [support]
    safeguards: [audit-log]
";

/// A workspace with `shop.policy.yaml` (open), a manifest on it (closed) and `BOT` (open).
fn symbols_workspace() -> (TempDir, Server, String, String) {
    let ws = TempDir::new("symbols");
    ws.write("shop.policy.yaml", SYMBOLS_POLICY);
    ws.write("bot.usecases.yaml", BOT);
    ws.write(
        "shop.usecases.yaml",
        "manifest: shop-bot\npolicy: shop@2025-10-01\nuse-cases:\n  - id: faq\n    categories: [support.faq]\n",
    );
    let (policy, manifest) = (ws.uri("shop.policy.yaml"), ws.uri("bot.usecases.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, SYMBOLS_POLICY);
    server.open(&manifest, BOT);
    server.publish_version(&manifest, 1);
    (ws, server, policy, manifest)
}

/// Formatting answers with line edits that turn the open text into what `charter fmt` writes;
/// a range gets only the edits of the key or item around it, which keep the file's meaning, and
/// a file with a syntax error none.
#[test]
fn formatting_edits_the_changed_lines_only() {
    let ws = TempDir::new("formatting");
    let messy = "manifest: bot\nuse-cases:\n  - categories:\n     - general.coding\n    agentic: false\n    id: help\n  - id: other\n    categories: [ \"general.writing\" ]\n";
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&workspace_client(&ws));
    server.open(&uri, messy);
    server.publish_version(&uri, 1);
    let edits = server.ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 8, "insertSpaces": false } }),
    );
    let edits = edits.as_array().unwrap();
    let formatted = apply_edits(messy, edits, true);
    assert_eq!(
        formatted,
        "manifest: bot\n\nuse-cases:\n  - id: help\n    categories: [general.coding]\n    agentic: false\n  - id: other\n    categories: [general.writing]\n"
    );
    // The first line does not change, so no edit covers it.
    assert!(
        edits.iter().all(|e| e["range"]["start"]["line"].as_u64() >= Some(1)),
        "{edits:?}"
    );
    let ranged = server.ok(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": uri }, "range": range(7, 0, 7, 5), "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let ranged = ranged.as_array().unwrap();
    assert_eq!(ranged.len(), 1, "{ranged:?}");
    assert_eq!(ranged[0]["range"]["start"]["line"], 7);
    let same_meaning = |text: &str| {
        let kind = charter::workspace::FileKind::Manifest;
        charter::format::format(text, kind).ok() == charter::format::format(messy, kind).ok()
    };
    assert!(same_meaning(&apply_edits(messy, ranged, true)));
    // `id: help` on line 5 moves to line 2: a range over line 5 gets the deletion and the
    // insertion, so the use case keeps its one id.
    let moved = server.ok(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": uri }, "range": range(5, 0, 5, 12), "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let moved = apply_edits(messy, moved.as_array().unwrap(), true);
    assert_eq!(moved.matches("id: help").count(), 1, "{moved}");
    assert!(same_meaning(&moved), "{moved}");

    server.change(&uri, 2, json!([{ "range": range(0, 0, 0, 0), "text": "[" }]));
    server.publish_version(&uri, 2);
    let none = server.ok(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(none, json!([]));
    // The syntax error is in the problems list already: no message on top of it.
    server.settle();
    assert_eq!(server.queued("window/showMessage"), Vec::<Value>::new());
}

/// Each rule written `effect`, `categories`, `id` gets its `id` moved up: *Format Selection* on
/// the second rule's `id` line formats the second rule and leaves the first as it is.
#[test]
fn range_formatting_edits_the_rule_around_the_selection_only() {
    let ws = TempDir::new("range-formatting");
    let rule = |i: u32| format!("  - effect: prohibit\n    categories: [c{i}]\n    id: r{i}\n");
    let messy = format!("policy: p\nrules:\n{}{}", rule(1), rule(2));
    let uri = ws.uri("p.policy.yaml");
    let server = Server::start(&workspace_client(&ws));
    server.open(&uri, &messy);
    server.publish_version(&uri, 1);
    let edits = server.ok(
        "textDocument/rangeFormatting",
        json!({ "textDocument": { "uri": uri }, "range": range(7, 4, 7, 9), "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits.as_array().unwrap();
    assert!(!edits.is_empty());
    // Rule 2 is lines 5 to 7; an edit ending at the start of line 8 ends with it.
    for e in edits {
        let (start, end) = (&e["range"]["start"], &e["range"]["end"]);
        assert!(start["line"].as_u64() >= Some(5), "{edits:?}");
        assert!(
            end["line"].as_u64() <= Some(7) || end == &json!({ "line": 8, "character": 0 }),
            "{edits:?}"
        );
    }
    assert_eq!(
        apply_edits(&messy, edits, true),
        format!(
            "policy: p\nrules:\n{}  - id: r2\n    effect: prohibit\n    categories: [c2]\n",
            rule(1)
        )
    );
}

#[test]
fn formatting_a_file_with_an_anchor_shows_why_it_is_left_as_it_is() {
    let ws = TempDir::new("formatting-anchor");
    let text =
        "manifest: bot\nuse-cases:\n  - id: a\n    categories: &c [general.coding]\n  - id: b\n    categories: *c\n";
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&workspace_client(&ws));
    server.open(&uri, text);
    server.publish_version(&uri, 1);
    let options = json!({ "tabSize": 2, "insertSpaces": true });
    let format = || {
        let params = json!({ "textDocument": { "uri": uri }, "options": options });
        assert_eq!(server.ok("textDocument/formatting", params), json!([]), "left as it is");
    };
    let shown = |line: &str| {
        let shown = server.notification("window/showMessage");
        assert_eq!(shown["params"]["type"], 2, "a warning: {shown}");
        let message = shown["params"]["message"].as_str().unwrap().to_owned();
        for part in ["`bot.usecases.yaml`", line, "format this file by hand"] {
            assert!(message.contains(part), "the message says {part}: {message}");
        }
        message
    };
    format();
    let message = shown("line 4 defines an anchor");
    // Asked again (format on save, a range on paste): the same reason goes to the log only.
    let params = json!({ "textDocument": { "uri": uri }, "range": range(0, 0, 5, 0), "options": options });
    assert_eq!(server.ok("textDocument/rangeFormatting", params), json!([]));
    let logged = server.notification("window/logMessage");
    assert_eq!(logged["params"]["message"], message.as_str());
    server.settle();
    assert_eq!(server.queued("window/showMessage"), Vec::<Value>::new(), "shown once");
    // Another reason is shown again.
    server.change(&uri, 2, json!([{ "text": format!("# about\n{text}") }]));
    server.publish_version(&uri, 2);
    format();
    shown("line 5 defines an anchor");
}

#[test]
fn document_symbols_list_use_cases_and_policy_declarations() {
    let (_ws, server, policy, manifest) = symbols_workspace();
    // Manifest: its use cases.
    let symbols = server.ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": manifest } }),
    );
    let flat = flatten_symbols(&symbols);
    for name in ["legal-help", "malware-lab", "typo-case"] {
        let symbol = flat
            .iter()
            .find(|(_, s)| s["name"] == name)
            .unwrap_or_else(|| panic!("no symbol {name}: {symbols:#}"));
        assert_eq!(symbol.1["kind"], 19, "a use case is an Object: {}", symbol.1);
    }
    let legal = &flat.iter().find(|(_, s)| s["name"] == "legal-help").unwrap().1;
    assert_eq!(legal["selectionRange"], range(3, 8, 3, 18));

    // Policy: safeguards, sections, categories as a tree, rules.
    let symbols = server.ok(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": policy } }),
    );
    let flat = flatten_symbols(&symbols);
    let named = |name: &str| {
        flat.iter()
            .find(|(_, s)| s["name"] == name)
            .map(|(depth, s)| (*depth, s.clone()))
            .unwrap_or_else(|| panic!("no symbol {name}: {symbols:#}"))
    };
    assert_eq!(named("audit-log").1["kind"], 11);
    assert_eq!(named("support-logged").1["kind"], 12);
    named("support-ops");
    let support = named("support").1;
    let children = flatten_symbols(&support["children"]);
    assert!(
        children
            .iter()
            .any(|(_, c)| c["name"].as_str().is_some_and(|n| n.ends_with("faq"))),
        "`support.faq` is a child of `support`: {support:#}"
    );
    server.finish();
}

#[test]
fn inlay_hints_show_verdict_and_owed_safeguards_after_each_use_case_id() {
    let (_ws, server, _policy, manifest) = symbols_workspace();
    // Inlay hints after each use case's id: verdict and owed safeguards.
    let hints = server.ok(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": manifest }, "range": range(0, 0, 9, 0) }),
    );
    let hints = hints.as_array().cloned().unwrap_or_default();
    let label = |h: &Value| match &h["label"] {
        Value::String(s) => s.clone(),
        parts => parts
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["value"].as_str().unwrap_or_default())
            .collect(),
    };
    let at = |line: u32, character: u32| {
        hints
            .iter()
            .find(|h| h["position"] == pos(line, character))
            .map(label)
            .unwrap_or_else(|| panic!("no hint at {line}:{character}: {hints:#?}"))
    };
    let legal = at(3, 18);
    assert!(legal.to_lowercase().contains("allow"), "{legal}");
    assert!(
        legal.contains("human-in-the-loop") && legal.contains("ai-disclosure"),
        "{legal}"
    );
    let malware = at(5, 19);
    assert!(malware.to_lowercase().contains("prohibit"), "{malware}");
    server.finish();
}

fn first_line_lens_titles(server: &Server, uri: &str) -> String {
    let lenses = server.ok("textDocument/codeLens", json!({ "textDocument": { "uri": uri } }));
    lenses
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["range"]["start"]["line"] == 0)
        .map(|l| l["command"]["title"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[test]
fn code_lenses_show_the_governing_policy_and_its_users() {
    let ws = TempDir::new("lens");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("acme-bot.usecases.yaml", ACME_BOT);
    ws.write("bot.usecases.yaml", BOT);
    let (policy, acme_bot, bot) = (
        ws.uri("acme.policy.yaml"),
        ws.uri("acme-bot.usecases.yaml"),
        ws.uri("bot.usecases.yaml"),
    );
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&acme_bot, ACME_BOT);
    server.open(&bot, BOT);
    server.publish_version(&bot, 1);

    // A manifest on the bundled policy: `id@version`, bundled, counts by verdict.
    let title = first_line_lens_titles(&server, &bot);
    assert!(title.contains("anthropic-usage@2025-09-15"), "{title:?}");
    assert!(title.to_lowercase().contains("bundled"), "{title}");
    assert!(title.contains("prohibited"), "{title}");
    // A manifest on a workspace policy: which file.
    let title = first_line_lens_titles(&server, &acme_bot);
    assert!(title.contains("acme@2025-10-01"), "{title:?}");
    assert!(title.contains("acme.policy.yaml"), "{title}");
    // A policy: what it extends and how many workspace manifests use it (one).
    let title = first_line_lens_titles(&server, &policy);
    assert!(title.contains("anthropic-usage@2025-09-15"), "{title:?}");
    assert!(title.contains('1') && title.contains("manifest"), "{title}");
    server.finish();
}

#[test]
fn quick_fix_adds_the_owed_safeguards_and_removes_the_diagnostic() {
    let ws = TempDir::new("fix");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    let publish = server.publish_version(&uri, 1);
    let missing = find(&publish, "missing-safeguard").clone();
    let actions = server.ok(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": missing["range"],
            "context": { "diagnostics": [missing], "only": ["quickfix"] },
        }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    let action = &actions[0];
    assert_eq!(
        action["title"],
        "Add `human-in-the-loop`, `ai-disclosure` to `safeguards`"
    );
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["diagnostics"], json!([missing]), "attached to its diagnostic");
    assert_eq!(action["isPreferred"], true);
    let edits = action["edit"]["changes"][&uri].as_array().unwrap().clone();
    let fixed = apply_edits(BOT, &edits, false);
    assert_eq!(
        fixed,
        BOT.replace(
            "[high-risk.legal]\n",
            "[high-risk.legal]\n    safeguards: [human-in-the-loop, ai-disclosure]\n"
        )
    );

    // Applying it (as the editor does, through didChange) removes the diagnostic.
    let changes: Vec<Value> = edits
        .iter()
        .map(|e| json!({ "range": e["range"], "text": e["newText"] }))
        .collect();
    server.change(&uri, 2, json!(changes));
    let after = server.publish_version(&uri, 2);
    assert_eq!(
        briefs(&after),
        vec![
            d("prohibited-use", ERROR, [7, 17, 7, 30]),
            d("unknown-category", ERROR, [9, 17, 9, 31]),
        ]
    );

    // The typo's did-you-mean fix.
    let unknown = find(&after, "unknown-category").clone();
    let actions = server.ok(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": unknown["range"], "context": { "diagnostics": [unknown] } }),
    );
    let action = &actions[0];
    assert_eq!(action["title"], "Replace with `high-risk.legal`");
    assert_eq!(
        action["edit"]["changes"][&uri],
        json!([{ "range": range(9, 17, 9, 31), "newText": "high-risk.legal" }])
    );

    // A range with no diagnostic: no actions.
    let none = server.ok(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": range(0, 0, 0, 3), "context": { "diagnostics": [] } }),
    );
    assert_eq!(none, json!([]));
    server.finish();
}

/// A policy with a run of comments, nested maps, a block scalar whose last line is not ASCII,
/// and a rule list.
const FOLD_POLICY: &str = "\
# Acme's policy
# owned by legal
policy: acme
version: 2025-10-01
sections:
  plans:
    title: Pläne
    text: |
      Wer zahlt, bekommt mehr.
      Zweite Zeile für Sie.
# the rules
rules:
  - id: r
    effect: allow
    categories: [cyber.defense]
";

fn folds(server: &Server, uri: &str) -> Vec<Value> {
    let answer = server.ok("textDocument/foldingRange", json!({ "textDocument": { "uri": uri } }));
    answer.as_array().cloned().unwrap_or_else(|| panic!("{answer}"))
}

#[test]
fn folding_ranges_end_on_the_last_line_of_their_content() {
    let ws = TempDir::new("folding");
    let uri = ws.uri("acme.policy.yaml");
    let line_client = Options {
        line_folding_only: true,
        ..Options::default()
    };
    let server = Server::start(&line_client);
    server.open(&uri, FOLD_POLICY);
    let lines: Vec<(u64, u64, Value)> = folds(&server, &uri)
        .iter()
        .map(|f| {
            assert!(f.get("endCharacter").is_none(), "lineFoldingOnly: no characters: {f}");
            (
                f["startLine"].as_u64().unwrap(),
                f["endLine"].as_u64().unwrap(),
                f["kind"].clone(),
            )
        })
        .collect();
    let comment = json!("comment");
    assert_eq!(
        lines,
        [
            (0, 1, comment),     // the two comment lines, not the single one before `rules`
            (4, 9, Value::Null), // `sections:` up to the block scalar's last line, not `# the rules`
            (5, 9, Value::Null),
            (7, 9, Value::Null), // `text: |`
            (11, 14, Value::Null),
            (12, 14, Value::Null), // the rule
        ]
    );
    server.finish();

    // A client that folds characters gets where the content ends, in its units.
    let server = Server::start(&utf8_client());
    server.open(&uri, FOLD_POLICY);
    let sections = folds(&server, &uri)
        .into_iter()
        .find(|f| f["startLine"] == 4)
        .expect("a fold at `sections:`");
    assert_eq!(sections["endLine"], 9);
    assert_eq!(
        sections["endCharacter"],
        "      Zweite Zeile für Sie.".len(),
        "UTF-8 bytes: {sections}"
    );
    server.finish();
}

/// The line and columns of the first `token` on the first line of `text` holding it.
fn range_of(text: &str, token: &str) -> Value {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(token))
        .unwrap_or_else(|| panic!("`{token}` in the text"));
    let start = line.find(token).unwrap() as u32;
    range(n as u32, start, n as u32, start + token.len() as u32)
}

const LINK_POLICY: &str = "\
policy: acme
version: 2025-10-01
extends: anthropic-usage@2025-09-15
sections:
  logging:
    title: Protokollierung
    url: \"https://acme.example/policy#logging\"
  internal:
    url: see the wiki
";

#[test]
fn document_links_open_the_policy_a_reference_resolves_to_and_section_urls() {
    let ws = TempDir::new("links");
    ws.write("acme.policy.yaml", LINK_POLICY);
    ws.write("bot.usecases.yaml", ACME_BOT);
    let unknown = "manifest: lost\npolicy: nowhere@2025-01-01\nuse-cases: []\n";
    ws.write("lost.usecases.yaml", unknown);
    let (policy, manifest, lost) = (
        ws.uri("acme.policy.yaml"),
        ws.uri("bot.usecases.yaml"),
        ws.uri("lost.usecases.yaml"),
    );
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, LINK_POLICY);
    server.open(&manifest, ACME_BOT);
    server.open(&lost, unknown);
    let links = |uri: &str| server.ok("textDocument/documentLink", json!({ "textDocument": { "uri": uri } }));

    let cached = file_uri(&server.cache.path.join(BUNDLED));
    assert_eq!(
        links(&policy),
        json!([
            {
                "range": range_of(LINK_POLICY, "anthropic-usage@2025-09-15"),
                "target": cached,
                "tooltip": "Open the bundled policy `anthropic-usage@2025-09-15` (read-only)",
            },
            {
                "range": range_of(LINK_POLICY, "https://acme.example/policy#logging"),
                "target": "https://acme.example/policy#logging",
                "tooltip": "Open the official text of section `logging`",
            },
        ]),
        "the quotes are not in the link; `see the wiki` is no address"
    );
    assert_eq!(
        links(&manifest),
        json!([{
            "range": range_of(ACME_BOT, "acme@2025-10-01"),
            "target": policy,
            "tooltip": "Open policy `acme@2025-10-01`",
        }])
    );
    assert_eq!(links(&lost), json!([]), "an unknown policy gets no link");
    server.finish();
}

#[test]
fn workspace_symbols_search_every_file_and_the_bundled_policy_in_use() {
    let (ws, server, policy, _manifest) = symbols_workspace();
    let search = |query: &str| {
        let answer = server.ok("workspace/symbol", json!({ "query": query }));
        answer.as_array().cloned().unwrap_or_else(|| panic!("{answer}"))
    };
    let found = search("support");
    let support = found
        .iter()
        .find(|s| s["name"] == "support")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(support["kind"], 5, "a category is a Class");
    assert_eq!(support["containerName"], "shop@2025-10-01");
    assert_eq!(
        support["location"],
        json!({ "uri": policy, "range": range(10, 2, 10, 9) })
    );
    assert_eq!(found[0]["name"], "support", "the exact name first: {found:#?}");

    // A use case of a manifest that is not open.
    let faq = search("faq");
    let use_case = faq
        .iter()
        .find(|s| s["kind"] == 19)
        .unwrap_or_else(|| panic!("{faq:#?}"));
    assert_eq!(use_case["containerName"], "shop-bot");
    let uri = use_case["location"]["uri"].as_str().unwrap();
    assert!(uri.ends_with("/shop.usecases.yaml"), "{uri}");
    assert_eq!(use_case["location"]["range"], range(3, 8, 3, 11));

    // The bundled policy `bot.usecases.yaml` uses, in its cached file.
    let malicious = search("no-malicious-cyber");
    assert_eq!(malicious[0]["name"], "no-malicious-cyber");
    assert_eq!(malicious[0]["containerName"], "anthropic-usage@2025-09-15");
    assert_eq!(
        malicious[0]["location"],
        json!({ "uri": file_uri(&server.cache.path.join(BUNDLED)), "range": malicious_cyber_id() })
    );
    assert_eq!(search("zzzz"), Vec::<Value>::new());
    drop(ws);
    server.finish();
}

#[test]
fn document_highlights_mark_the_declaration_written_and_references_read() {
    let (_ws, server, policy, manifest) = symbols_workspace();
    let highlight = |uri: &str, at: Value| {
        server.ok(
            "textDocument/documentHighlight",
            json!({ "textDocument": { "uri": uri }, "position": at }),
        )
    };
    let (write, read) = (3, 2);
    let expected = json!([
        { "range": range_of(SYMBOLS_POLICY, "audit-log"), "kind": write },
        { "range": range(19, 17, 19, 26), "kind": read },
    ]);
    assert_eq!(highlight(&policy, pos(3, 5)), expected);
    assert_eq!(highlight(&policy, pos(19, 20)), expected, "the same from the reference");
    // In a manifest the declaration is elsewhere: only reads; off an id, nothing.
    assert_eq!(
        highlight(&manifest, pos(4, 20)),
        json!([{ "range": range_of(BOT, "high-risk.legal"), "kind": read }])
    );
    assert_eq!(highlight(&manifest, pos(0, 2)), json!([]));
    server.finish();
}

#[test]
fn selection_ranges_grow_from_the_id_to_the_document_in_the_clients_units() {
    let text =
        "manifest: m\nuse-cases:\n  - id: 合同\n    summary: Verträge prüfen\n    categories: [high-risk.legal]\n";
    let ws = TempDir::new("selection");
    let uri = ws.uri("m.usecases.yaml");
    let server = Server::start(&utf8_client());
    server.open(&uri, text);
    let answer = server.ok(
        "textDocument/selectionRange",
        json!({ "textDocument": { "uri": uri }, "positions": [pos(2, 8), pos(4, 20)] }),
    );
    let chains: Vec<Vec<Value>> = answer
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|mut link| {
            let mut chain = vec![link["range"].clone()];
            while let Some(parent) = link.get("parent") {
                chain.push(parent["range"].clone());
                link = parent;
            }
            chain
        })
        .collect();
    assert_eq!(chains.len(), 2, "one answer per position");
    let end = json!({ "line": 4, "character": 33 });
    let from = |line: u32, character: u32| json!({ "start": pos(line, character), "end": end });
    assert_eq!(
        chains[0],
        [
            range(2, 8, 2, 14), // `合同`: six UTF-8 bytes
            range(2, 4, 2, 14), // `id: 合同`
            from(2, 4),         // the use case's map
            from(2, 2),         // the list, from its dash
            from(1, 0),         // `use-cases:`
            from(0, 0),         // the root map
            range(0, 0, 5, 0),  // the document
        ]
    );
    let inner: Vec<String> = chains[1]
        .iter()
        .take(3)
        .map(|r| slice(text, r, true).to_owned())
        .collect();
    assert_eq!(
        inner,
        ["high-risk.legal", "[high-risk.legal]", "categories: [high-risk.legal]"]
    );
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 7b. semantic tokens, pulled diagnostics, fix-all

/// A manifest pinned to the superseded bundled version, with a use case on a line where
/// non-ASCII text comes before the ids (UTF-8 and UTF-16 columns differ there).
const PINNED: &str = "\
manifest: pinned
policy: anthropic-usage@2024-06-06
use-cases:
  - { summary: \"Aide — légale\", id: legal-help, categories: [high-risk.legal], audience: business }
  - id: blue-team
    categories: [cyber.defense]
";

/// The tokens of a semantic-tokens answer, decoded from relative to absolute positions:
/// (line, start, length, type, modifiers), names taken from the legend.
fn decode_tokens(answer: &Value, legend: &Value) -> Vec<(u64, u64, u64, String, Vec<String>)> {
    let data: Vec<u64> = answer["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|n| n.as_u64().unwrap())
        .collect();
    let name = |list: &str, i: u64| legend[list][i as usize].as_str().unwrap().to_owned();
    let (mut line, mut start) = (0, 0);
    data.chunks(5)
        .map(|t| {
            line += t[0];
            start = if t[0] == 0 { start + t[1] } else { t[1] };
            let modifiers = (0..32)
                .filter(|bit| t[4] & (1 << bit) != 0)
                .map(|bit| name("tokenModifiers", bit));
            (line, start, t[2], name("tokenTypes", t[3]), modifiers.collect())
        })
        .collect()
}

/// Where `needle` (its `n`-th occurrence) is in `text`, as a token: (line, start, length).
fn token_at(text: &str, needle: &str, n: usize, utf8: bool) -> (u64, u64, u64) {
    let at = find_pos(text, needle, n, 0, utf8);
    let len: usize = needle
        .chars()
        .map(|c| if utf8 { c.len_utf8() } else { c.len_utf16() })
        .sum();
    (
        at["line"].as_u64().unwrap(),
        at["character"].as_u64().unwrap(),
        len as u64,
    )
}

#[test]
fn semantic_tokens_colour_every_id_by_kind_in_the_negotiated_encoding() {
    for utf8 in [true, false] {
        let ws = TempDir::new("tokens");
        let uri = ws.uri("pinned.usecases.yaml");
        let server = Server::start(&if utf8 { utf8_client() } else { Options::default() });
        let caps = &server.initialize_result["capabilities"]["semanticTokensProvider"];
        let legend = caps["legend"].clone();
        assert_eq!(
            (caps["full"].clone(), caps["range"].clone()),
            (json!(true), json!(true))
        );
        server.open(&uri, PINNED);
        let full = server.ok(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        );
        let expected = |needle: &str, kind: &str, modifiers: &[&str]| {
            let (line, start, len) = token_at(PINNED, needle, 0, utf8);
            let modifiers = modifiers.iter().map(|m| (*m).to_owned()).collect();
            (line, start, len, kind.to_owned(), modifiers)
        };
        assert_eq!(
            decode_tokens(&full, &legend),
            vec![
                // Superseded by 2025-09-15, which is in effect: deprecated.
                expected(
                    "anthropic-usage@2024-06-06",
                    "namespace",
                    &["deprecated", "defaultLibrary"]
                ),
                expected("legal-help", "variable", &["declaration"]),
                expected("high-risk.legal", "class", &["defaultLibrary"]),
                expected("audience", "property", &["defaultLibrary"]),
                expected("business", "enumMember", &["defaultLibrary"]),
                expected("blue-team", "variable", &["declaration"]),
                expected("cyber.defense", "class", &["defaultLibrary"]),
            ],
            "utf8: {utf8}"
        );
        // A range: the tokens of the line it covers.
        let line = find_pos(PINNED, "  - id: blue-team", 0, 0, utf8)["line"]
            .as_u64()
            .unwrap() as u32;
        let part = server.ok(
            "textDocument/semanticTokens/range",
            json!({ "textDocument": { "uri": uri }, "range": range(line, 0, line, 17) }),
        );
        assert_eq!(
            decode_tokens(&part, &legend),
            vec![expected("blue-team", "variable", &["declaration"])]
        );
        server.finish();
    }
}

#[test]
fn semantic_tokens_of_a_policy_mark_declarations_and_bundled_references() {
    let ws = TempDir::new("tokens-policy");
    let uri = ws.uri("acme.policy.yaml");
    let server = Server::start(&utf8_client());
    let legend = server.initialize_result["capabilities"]["semanticTokensProvider"]["legend"].clone();
    server.open(&uri, ACME_POLICY);
    let full = server.ok(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": uri } }),
    );
    let brief: Vec<(String, String, Vec<String>)> = decode_tokens(&full, &legend)
        .into_iter()
        .map(|(line, start, len, kind, modifiers)| {
            let text = ACME_POLICY.lines().nth(line as usize).unwrap();
            (text[start as usize..(start + len) as usize].to_owned(), kind, modifiers)
        })
        .collect();
    let t = |s: &str, kind: &str, m: &[&str]| {
        (
            s.to_owned(),
            kind.to_owned(),
            m.iter().map(|m| (*m).to_owned()).collect(),
        )
    };
    assert_eq!(
        brief,
        vec![
            t("acme", "namespace", &["declaration"]),
            t("anthropic-usage@2025-09-15", "namespace", &["defaultLibrary"]),
            t("audit-log", "interface", &["declaration"]),
            t("defense-logged", "function", &["declaration"]),
            t("cyber.defense", "class", &["defaultLibrary"]),
            t("audit-log", "interface", &[]),
        ]
    );
    server.finish();
}

/// A client that pulls diagnostics and may be asked to pull again.
fn pulling_client(ws: &TempDir) -> Options {
    Options {
        folders: vec![ws.root_uri()],
        progress: true,
        capabilities: Some(json!({
            "textDocument": { "diagnostic": { "relatedDocumentSupport": false } },
            "workspace": { "diagnostics": { "refreshSupport": true } },
        })),
        ..Options::default()
    }
}

/// The codes and ranges of a full report's items, sorted.
fn report_briefs(report: &Value) -> Vec<(String, i64, [u64; 4])> {
    briefs(&json!({ "diagnostics": report["items"] }))
}

#[test]
fn a_client_that_pulls_diagnostics_gets_reports_and_no_publications() {
    let ws = TempDir::new("pull");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("acme-bot.usecases.yaml", ACME_BOT);
    ws.write("closed.usecases.yaml", BOT);
    let bot = ws.uri("acme-bot.usecases.yaml");
    let options = pulling_client(&ws);
    let server = Server::spawn(&options);
    let init = server.ok("initialize", options.initialize_params());
    assert_eq!(
        init["capabilities"]["diagnosticProvider"],
        json!({ "identifier": "charter", "interFileDependencies": true, "workspaceDiagnostics": true })
    );
    // Pulled before `initialized` starts the indexing: the answer waits for the index rather
    // than report policy `acme` unknown.
    server.open(&bot, ACME_BOT);
    let early = server.send_request("textDocument/diagnostic", json!({ "textDocument": { "uri": bot } }));
    server.notify("initialized", json!({}));
    let first = server.response(early)["result"].clone();
    assert_eq!(first["kind"], "full", "{first:#}");
    assert_eq!(
        report_briefs(&first),
        vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]
    );
    let id = first["resultId"].as_str().expect("a result id").to_owned();

    // Nothing changed: `unchanged`, with the same id.
    let again = server.ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": bot }, "previousResultId": id }),
    );
    assert_eq!(again, json!({ "kind": "unchanged", "resultId": id }));

    // An edit that adds the owed safeguard: a new, empty report.
    let fixed = ACME_BOT.replacen("[cyber.defense]\n", "[cyber.defense]\n    safeguards: [audit-log]\n", 1);
    server.change(&bot, 2, json!([{ "text": fixed }]));
    let after = server.ok(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": bot }, "previousResultId": id }),
    );
    assert_eq!((after["kind"].clone(), report_briefs(&after)), (json!("full"), vec![]));
    assert_ne!(after["resultId"], json!(id));

    // The workspace: the open manifest, the closed one and the policy.
    let workspace = server.ok("workspace/diagnostic", json!({ "previousResultIds": [] }));
    let items = workspace["items"].as_array().expect("items").clone();
    let of = |name: &str| {
        let uri = ws.uri(name);
        items
            .iter()
            .find(|i| i["uri"] == uri.as_str())
            .unwrap_or_else(|| panic!("{name}: {workspace:#}"))
            .clone()
    };
    assert_eq!(of("acme-bot.usecases.yaml")["version"], 2);
    assert_eq!(report_briefs(&of("acme-bot.usecases.yaml")), vec![]);
    assert_eq!(
        codes(&json!({ "diagnostics": of("closed.usecases.yaml")["items"] })),
        vec!["missing-safeguard", "prohibited-use", "unknown-category"]
    );
    assert_eq!(of("acme.policy.yaml")["version"], Value::Null);
    // Asked again with the ids it gave: every report `unchanged`.
    let previous: Vec<Value> = items
        .iter()
        .map(|i| json!({ "uri": i["uri"], "value": i["resultId"] }))
        .collect();
    let again = server.ok("workspace/diagnostic", json!({ "previousResultIds": previous }));
    let kinds: Vec<&Value> = again["items"].as_array().unwrap().iter().map(|i| &i["kind"]).collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "unchanged"),
        "{again:#}"
    );

    // The end of the indexing asked the client to pull again (closed files came in).
    server.server_requests_counted("workspace/diagnostic/refresh", 1);
    let refreshes = || {
        let requests = server.server_requests();
        requests
            .iter()
            .filter(|r| r["method"] == "workspace/diagnostic/refresh")
            .count()
    };
    let before = refreshes();
    // An edit of the policy changes what the manifests under it report: pull again.
    let policy = ws.uri("acme.policy.yaml");
    server.open(&policy, ACME_POLICY);
    server.change(
        &policy,
        2,
        json!([{ "text": ACME_POLICY.replace("audit-log", "audit-trail") }]),
    );
    server.server_requests_counted("workspace/diagnostic/refresh", before + 1);
    let renamed = server.ok("textDocument/diagnostic", json!({ "textDocument": { "uri": bot } }));
    assert!(
        codes(&json!({ "diagnostics": renamed["items"] })).contains(&String::from("unknown-safeguard")),
        "{renamed:#}"
    );
    // The worker took in every change before asking for a pull, and pushed nothing.
    let pushed = server.queued("textDocument/publishDiagnostics");
    assert!(pushed.is_empty(), "{pushed:#?}");
    server.finish();
}

#[test]
fn a_client_that_pulls_but_cannot_be_asked_to_pull_again_gets_diagnostics_pushed() {
    let ws = TempDir::new("pull-no-refresh");
    ws.write("acme.policy.yaml", ACME_POLICY);
    let (policy, bot) = (ws.uri("acme.policy.yaml"), ws.uri("acme-bot.usecases.yaml"));
    let options = Options {
        capabilities: Some(json!({ "textDocument": { "diagnostic": {} } })),
        ..workspace_client(&ws)
    };
    let server = Server::start(&options);
    assert_eq!(
        server.initialize_result["capabilities"]["diagnosticProvider"],
        Value::Null,
        "pulling is not offered without refreshSupport"
    );
    server.wait_indexed();
    server.open(&bot, ACME_BOT);
    let before = server.publish_where(&bot, "missing-safeguard", |p| !diagnostics(p).is_empty());
    assert_eq!(briefs(&before), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    // The policy changes on disk: the open manifest's problems are pushed again, not left stale.
    ws.write(
        "acme.policy.yaml",
        &ACME_POLICY.replace("[cyber.defense]", "[cyber.malware]"),
    );
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": policy, "type": 2 }] }),
    );
    let after = server.publish_where(&bot, "no missing-safeguard", |p| diagnostics(p).is_empty());
    assert_eq!(after["version"], 1, "the manifest itself did not change");
    server.finish();
}

#[test]
fn fix_all_corrects_every_typo_of_a_file_in_one_edit_and_nothing_else() {
    let text = "\
manifest: typos
policy: anthropic-usage@2025-09-15
use-cases:
  - id: legal-help
    categories: [high-risk.legl]
    audiance: consumer
  - id: helper
    categories: [general.asistant]
";
    let ws = TempDir::new("fix-all");
    let uri = ws.uri("typos.usecases.yaml");
    let server = Server::start(&Options::default());
    let kinds = &server.initialize_result["capabilities"]["codeActionProvider"]["codeActionKinds"];
    for kind in ["quickfix", "source.fixAll", "source.fixAll.charter"] {
        assert!(kinds.as_array().unwrap().contains(&json!(kind)), "{kinds}");
    }
    server.open(&uri, text);
    server.publish_version(&uri, 1);
    // Asked as an editor does on save: for the whole file, fix-all only.
    let ask = |only: &str| {
        server.ok(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": uri },
                "range": range(0, 0, 0, 0),
                "context": { "diagnostics": [], "only": [only] },
            }),
        )
    };
    let actions = ask("source.fixAll");
    let [action] = actions.as_array().unwrap().as_slice() else {
        panic!("one fix-all action: {actions:#}")
    };
    assert_eq!(action["kind"], "source.fixAll.charter");
    assert_eq!(
        action["title"],
        "Fix all safe problems: `high-risk.legl` → `high-risk.legal`, `audiance` → `audience`, `general.asistant` → `general.assistant`"
    );
    let edits = action["edit"]["changes"][&uri].as_array().unwrap().clone();
    let fixed = apply_edits(text, &edits, false);
    assert_eq!(
        fixed,
        text.replace("legl", "legal")
            .replace("audiance", "audience")
            .replace("asistant", "assistant")
    );
    server.change(&uri, 2, json!([{ "text": fixed }]));
    // Left: the safeguards `legal-help` owes, whose fix wants the author (a claim that they
    // are in place); fix-all has nothing more to offer.
    assert_eq!(codes(&server.publish_version(&uri, 2)), vec!["missing-safeguard"]);
    assert_eq!(ask("source.fixAll.charter"), json!([]));
    // Quick fixes asked for alone do not bring fix-all.
    let quick = ask("quickfix");
    assert!(
        quick.as_array().unwrap().iter().all(|a| a["kind"] == "quickfix"),
        "{quick:#}"
    );
    server.finish();
}

#[test]
fn fix_all_never_turns_a_typo_into_a_key_the_use_case_already_has() {
    let text = "\
manifest: typos
policy: anthropic-usage@2025-09-15
use-cases:
  - id: legal-help
    categories: [high-risk.legl]
    audience: consumer
    audiance: business
";
    let ws = TempDir::new("fix-all-duplicate");
    let uri = ws.uri("typos.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, text);
    server.publish_version(&uri, 1);
    let ask = |only: &str, range: Value| {
        let context = json!({ "diagnostics": [], "only": [only] });
        let params = json!({ "textDocument": { "uri": uri }, "range": range, "context": context });
        server.ok("textDocument/codeAction", params)
    };
    let actions = ask("source.fixAll", range(0, 0, 0, 0));
    let [action] = actions.as_array().unwrap().as_slice() else {
        panic!("one fix-all action: {actions:#}")
    };
    assert_eq!(
        action["title"],
        "Fix all safe problems: `high-risk.legl` → `high-risk.legal`"
    );
    let edits = action["edit"]["changes"][&uri].as_array().unwrap().clone();
    assert_eq!(apply_edits(text, &edits, false), text.replace("legl", "legal"));
    // No quick fix on `audiance` either: `audience` is already there.
    let quick = ask("quickfix", range(6, 4, 6, 12));
    assert_eq!(quick, json!([]), "{quick:#}");
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// 8. robustness

#[test]
fn a_panicking_request_is_an_error_and_the_server_goes_on() {
    let ws = TempDir::new("panic");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options {
        env: vec![("CHARTER_TEST_PANIC", "1")],
        ..Options::default()
    });
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    let error = server
        .request("charter/debugPanic", json!({}))
        .expect_err("a panic is an error response");
    assert_eq!(error["code"], -32603, "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("deliberate panic"),
        "{error}"
    );
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(4, 24) }),
    );
    assert!(hover.is_ok(), "{hover:?}");
    // Diagnostics still flow after the panic.
    server.change(&uri, 2, json!([{ "range": range(8, 30, 8, 30), "text": "a" }]));
    let publish = server.publish_version(&uri, 2);
    assert!(!codes(&publish).contains(&String::from("unknown-category")));
    // Twice in a row is fine too.
    assert!(server.request("charter/debugPanic", Value::Null).is_err());
    assert!(
        server
            .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }))
            .is_ok()
    );
    server.finish();

    // Without the variable, the method does not exist.
    let server = Server::start(&Options::default());
    let error = server
        .request("charter/debugPanic", json!({}))
        .expect_err("not answered");
    assert_eq!(error["code"], -32601, "{error}");
    server.finish();
}

#[test]
fn requests_about_unknown_or_closed_documents_answer_null() {
    let ws = TempDir::new("unknown-docs");
    let server = Server::start(&Options::default());
    let never = ws.uri("never-opened.usecases.yaml");
    let closed = ws.uri("closed.usecases.yaml"); // not on disk
    let plain = ws.uri("other.yaml"); // not a Charter file
    server.open(&closed, BOT);
    server.publish_version(&closed, 1);
    server.close(&closed);
    let cleared = server.publish(&closed);
    assert_eq!(cleared["diagnostics"], json!([]), "didClose clears the diagnostics");
    server.open(&plain, "policy: x\nnot: [charter\n");
    for uri in [&never, &closed, &plain] {
        let doc = json!({ "uri": uri });
        let at = json!({ "textDocument": doc, "position": pos(1, 3) });
        let mut with_context = at.clone();
        with_context["context"] = json!({ "includeDeclaration": true });
        let mut with_name = at.clone();
        with_name["newName"] = json!("x");
        let requests = [
            ("textDocument/hover", at.clone()),
            ("textDocument/completion", at.clone()),
            ("textDocument/definition", at.clone()),
            ("textDocument/references", with_context),
            ("textDocument/prepareRename", at.clone()),
            ("textDocument/rename", with_name),
            ("textDocument/documentSymbol", json!({ "textDocument": doc })),
            ("textDocument/codeLens", json!({ "textDocument": doc })),
            ("textDocument/foldingRange", json!({ "textDocument": doc })),
            ("textDocument/documentLink", json!({ "textDocument": doc })),
            ("textDocument/documentHighlight", at.clone()),
            (
                "textDocument/selectionRange",
                json!({ "textDocument": doc, "positions": [pos(1, 3)] }),
            ),
            (
                "textDocument/inlayHint",
                json!({ "textDocument": doc, "range": range(0, 0, 5, 0) }),
            ),
            (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": range(0, 0, 5, 0), "context": { "diagnostics": [] } }),
            ),
        ];
        for (method, params) in requests {
            let answer = server.request(method, params);
            assert_eq!(answer, Ok(Value::Null), "{method} on {uri}");
        }
    }
    // A plain YAML file gets no diagnostics at all.
    let plain_publishes = server.publishes_until_settled(&plain);
    assert!(
        plain_publishes.iter().all(|p| p["diagnostics"] == json!([])),
        "{plain_publishes:#?}"
    );
    server.finish();
}

/// After a malformed message the server must still answer requests and check edits.
fn assert_still_serving(server: &Server, uri: &str) {
    let hover = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(4, 24) }),
    );
    assert!(hover.is_ok(), "{hover:?}");
    server.change(uri, 2, json!([{ "range": range(8, 30, 8, 30), "text": "a" }]));
    let publish = server.publish_version(uri, 2);
    assert_eq!(
        codes(&publish),
        ["missing-safeguard", "prohibited-use", "missing-safeguard"]
    );
}

fn malformed_case(raw: &[u8], expected_code: i64) {
    let ws = TempDir::new("malformed");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    server.send_raw(raw);
    let error = server.nth_null_id_response(0);
    assert_eq!(error["error"]["code"], expected_code, "{error}");
    // Answered after the malformed message: the server is still up.
    assert_still_serving(&server, &uri);
    server.finish();
}

#[test]
fn a_body_that_is_not_json_does_not_take_the_server_down() {
    malformed_case(b"Content-Length: 9\r\n\r\n{invalid}", -32700);
}

#[test]
fn json_that_is_not_json_rpc_does_not_take_the_server_down() {
    malformed_case(b"Content-Length: 12\r\n\r\n{\"hello\": 1}", -32600);
}

#[test]
fn a_header_without_content_length_does_not_take_the_server_down() {
    malformed_case(b"Content-Lenght: 2\r\n\r\n{}", -32700);
}

#[test]
fn requests_with_bad_params_and_unknown_methods_get_errors() {
    let ws = TempDir::new("bad-params");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    // A request with parameters of the wrong shape: an error response for that id.
    let id = server.send_request("textDocument/hover", json!({ "textDocument": 42 }));
    let response = server.response(id);
    assert_eq!(response["error"]["code"], -32602, "{response}");
    // Notifications with broken parameters are dropped.
    server.notify("textDocument/didChange", json!({ "textDocument": { "uri": uri } }));
    server.notify("textDocument/didOpen", json!({ "textDocument": { "uri": 7 } }));
    // An unknown request: method not found.
    let error = server
        .request("charter/noSuchThing", json!({}))
        .expect_err("unknown method");
    assert_eq!(error["code"], -32601);
    // Unknown notifications are ignored.
    server.notify("$/setTrace", json!({ "value": "off" }));
    server.notify("charter/whatever", json!({}));
    assert_still_serving(&server, &uri);
    server.finish();
}

#[test]
fn did_close_publishes_empty_diagnostics() {
    let ws = TempDir::new("close");
    ws.write("bot.usecases.yaml", BOT);
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    let publish = server.publish_version(&uri, 1);
    assert_eq!(diagnostics(&publish).len(), 3);
    server.close(&uri);
    let cleared = server.publish(&uri);
    assert_eq!(cleared["diagnostics"], json!([]));
    // Nothing republishes the closed file's problems afterwards.
    let later = server.publishes_until_settled(&uri);
    assert!(later.iter().all(|p| p["diagnostics"] == json!([])), "{later:#?}");
    server.finish();
}

#[test]
fn shutdown_then_exit_ends_the_process_promptly_with_status_zero() {
    // With work done before, stdin left open (`finish` asserts exit within a second).
    let ws = TempDir::new("exit");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    server.finish();

    // Right after initialize.
    let server = Server::start(&Options::default());
    server.finish();

    // With a workspace being indexed and watchers registered.
    let ws = TempDir::new("exit-ws");
    ws.write("acme.policy.yaml", ACME_POLICY);
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        watch_registration: true,
        progress: true,
        configuration: Some(json!({ "today": "2026-01-01" })),
        ..Options::default()
    });
    server.wait_indexed();
    server.finish();
}

#[test]
fn stdout_carries_only_protocol_messages_during_a_busy_session() {
    let ws = TempDir::new("busy");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("bad.policy.yaml", "policy: Bad Id\nversion: soon\nrules: 3\n");
    ws.write("broken.usecases.yaml", "manifest: [\n");
    std::fs::write(ws.path.join("binary.usecases.yaml"), b"manifest: \xff\xfe\x00\n").unwrap();
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        watch_registration: true,
        progress: true,
        configuration: Some(json!({ "policyPaths": ["/definitely/not/here"] })),
        ..Options::default()
    });
    server.wait_indexed();
    server.open(&uri, BOT);
    for version in 2..30 {
        let text = if version % 2 == 0 { "x" } else { "" };
        let (at, end) = if version % 2 == 0 { (30, 30) } else { (30, 31) };
        server.change(&uri, version, json!([{ "range": range(8, at, 8, end), "text": text }]));
        let _ = server.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": pos(4, 20) }),
        );
    }
    let last = server.publish_version(&uri, 29);
    assert_eq!(
        codes(&last),
        ["missing-safeguard", "prohibited-use", "unknown-category"]
    );
    server.assert_clean_stdout();
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// Settings and workspace folders

const OLD: &str = "manifest: old\npolicy: anthropic-usage@2024-06-06\nuse-cases:\n  - id: essays\n    categories: [politics.writing]\n";
const BARE: &str =
    "manifest: bare\npolicy: anthropic-usage\nuse-cases:\n  - id: essays\n    categories: [politics.writing]\n";

/// Eglot sends `{"settings": {}}` right after starting: that is no setting at all, and must
/// not wipe what `initializationOptions` said.
#[test]
fn settings_without_a_charter_section_keep_the_initialization_options() {
    let ws = TempDir::new("empty-settings");
    let old = ws.uri("old.usecases.yaml");
    let server = Server::start(&Options {
        init_options: Some(json!({ "today": "2025-01-01" })),
        ..Options::default()
    });
    server.notify("workspace/didChangeConfiguration", json!({ "settings": {} }));
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "yaml": { "format": true } } }),
    );
    server.open(&old, OLD);
    let publish = server.publish_version(&old, 1);
    assert_eq!(
        briefs(&publish),
        vec![d("prohibited-use", ERROR, [4, 17, 4, 33])],
        "still judged as of 2025-01-01: not superseded"
    );
}

#[test]
fn the_today_setting_decides_which_policy_version_is_in_effect() {
    let ws = TempDir::new("today");
    let (old, bare) = (ws.uri("old.usecases.yaml"), ws.uri("bare.usecases.yaml"));
    let server = Server::start(&Options {
        init_options: Some(json!({ "today": "2025-01-01" })),
        ..Options::default()
    });
    server.open(&bare, BARE);
    server.open(&old, OLD);
    // Before 2025-09-15 the bare id means 2024-06-06, which prohibits all of politics.
    let publish = server.publish_version(&bare, 1);
    assert_eq!(briefs(&publish), vec![d("prohibited-use", ERROR, [4, 17, 4, 33])]);
    let publish = server.publish_version(&old, 1);
    assert_eq!(
        briefs(&publish),
        vec![d("prohibited-use", ERROR, [4, 17, 4, 33])],
        "not yet superseded"
    );

    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "charter": { "today": "2026-01-01" } } }),
    );
    let publish = server.publish_where(&bare, "no diagnostics", |p| diagnostics(p).is_empty());
    assert_eq!(publish["version"], 1);
    let publish = server.publish_where(&old, "superseded-policy", |p| {
        codes(p).contains(&String::from("superseded-policy"))
    });
    assert_eq!(
        briefs(&publish),
        vec![
            d("superseded-policy", 4, [1, 8, 1, 34]),
            d("prohibited-use", ERROR, [4, 17, 4, 33])
        ]
    );
    let superseded = find(&publish, "superseded-policy").clone();
    assert_eq!(
        superseded["message"],
        "policy `anthropic-usage@2024-06-06` is superseded by `anthropic-usage@2025-09-15`, in effect since 2025-09-15; 1 of 1 use cases change verdict under it; move to `anthropic-usage@2025-09-15` when ready (`charter diff` shows what changes)"
    );
    // Its quick fix moves to the newer version.
    let actions = server.ok(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": old }, "range": superseded["range"], "context": { "diagnostics": [superseded] } }),
    );
    let edits = actions[0]["edit"]["changes"][&old]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        apply_edits(OLD, &edits, false),
        OLD.replace("2024-06-06", "2025-09-15"),
        "{actions:#}"
    );
    server.finish();
}

#[test]
fn settings_are_pulled_with_workspace_configuration() {
    let ws = TempDir::new("pull");
    let bare = ws.uri("bare.usecases.yaml");
    let server = Server::start(&Options {
        configuration: Some(json!({ "today": "2025-01-01" })),
        ..Options::default()
    });
    let request = server.server_request("workspace/configuration");
    assert_eq!(request["params"]["items"][0]["section"], "charter");
    server.open(&bare, BARE);
    let publish = server.publish_where(&bare, "prohibited-use", |p| codes(p) == ["prohibited-use"]);
    assert_eq!(briefs(&publish), vec![d("prohibited-use", ERROR, [4, 17, 4, 33])]);
    server.finish();
}

#[test]
fn policy_paths_setting_adds_a_policy_folder() {
    let ws = TempDir::new("paths-ws");
    let extra = TempDir::new("paths-extra");
    extra.write("lib.policy.yaml", LIB_POLICY);
    // A manifest in the extra folder is not part of the workspace.
    extra.write("stray.usecases.yaml", "manifest: stray\nuse-cases: 3\n");
    ws.write("app.usecases.yaml", APP);
    let app = ws.uri("app.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        init_options: Some(json!({ "charter": { "policyPaths": [extra.path.to_str().unwrap()] } })),
        ..Options::default()
    });
    server.open(&app, APP);
    let publish = server.publish_where(&app, "no unknown-policy", |p| {
        !codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&publish), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    let stray = server.publishes_until_settled(&extra.uri("stray.usecases.yaml"));
    assert!(stray.is_empty(), "{stray:#?}");
    server.finish();
}

#[test]
fn an_added_workspace_folder_is_indexed() {
    let a = TempDir::new("folder-a");
    let b = TempDir::new("folder-b");
    a.write("app.usecases.yaml", APP);
    b.write("lib.policy.yaml", LIB_POLICY);
    let app = a.uri("app.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![a.root_uri()],
        progress: true,
        ..Options::default()
    });
    server.wait_indexed();
    server.open(&app, APP);
    let publish = server.publish_version(&app, 1);
    assert_eq!(briefs(&publish), vec![d("unknown-policy", ERROR, [1, 8, 1, 22])]);
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [{ "uri": b.root_uri(), "name": "b" }], "removed": [] } }),
    );
    let publish = server.publish_where(&app, "no unknown-policy", |p| {
        !codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&publish), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

#[test]
fn changing_the_policy_paths_setting_indexes_the_new_folder() {
    let ws = TempDir::new("paths-change");
    let extra = TempDir::new("paths-change-extra");
    extra.write("lib.policy.yaml", LIB_POLICY);
    ws.write("app.usecases.yaml", APP);
    let app = ws.uri("app.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        ..Options::default()
    });
    server.open(&app, APP);
    let publish = server.publish_where(&app, "unknown-policy", |p| codes(p) == ["unknown-policy"]);
    assert_eq!(briefs(&publish), vec![d("unknown-policy", ERROR, [1, 8, 1, 22])]);
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "charter": { "policyPaths": [extra.path.to_str().unwrap()] } } }),
    );
    let publish = server.publish_where(&app, "no unknown-policy", |p| {
        !codes(p).contains(&String::from("unknown-policy"))
    });
    assert_eq!(briefs(&publish), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

#[test]
fn a_removed_workspace_folder_is_forgotten() {
    let a = TempDir::new("rm-folder-a");
    let b = TempDir::new("rm-folder-b");
    a.write("app.usecases.yaml", APP);
    b.write("lib.policy.yaml", LIB_POLICY);
    let app = a.uri("app.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![a.root_uri(), b.root_uri()],
        ..Options::default()
    });
    server.open(&app, APP);
    let publish = server.publish_where(&app, "missing-safeguard", |p| codes(p) == ["missing-safeguard"]);
    assert_eq!(publish["version"], 1);
    server.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({ "event": { "added": [], "removed": [{ "uri": b.root_uri(), "name": "b" }] } }),
    );
    let publish = server.publish_where(&app, "unknown-policy", |p| codes(p) == ["unknown-policy"]);
    assert_eq!(briefs(&publish), vec![d("unknown-policy", ERROR, [1, 8, 1, 22])]);
    server.finish();
}

#[test]
fn closing_an_edited_policy_without_saving_restores_the_disk_version() {
    let ws = TempDir::new("discard");
    ws.write("acme.policy.yaml", ACME_POLICY);
    ws.write("bot.usecases.yaml", ACME_BOT);
    let (policy, manifest) = (ws.uri("acme.policy.yaml"), ws.uri("bot.usecases.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&policy, ACME_POLICY);
    server.open(&manifest, ACME_BOT);
    server.publish_where(&manifest, "missing-safeguard", |p| codes(p) == ["missing-safeguard"]);
    server.change(&policy, 2, json!([{ "range": range(6, 0, 11, 0), "text": "" }]));
    server.publish_where(&manifest, "no diagnostics", |p| diagnostics(p).is_empty());
    // The editor discards the change: the disk's rule is back.
    server.close(&policy);
    let cleared = server.publish(&policy);
    assert_eq!(cleared["diagnostics"], json!([]));
    let back = server.publish_where(&manifest, "missing-safeguard", |p| codes(p) == ["missing-safeguard"]);
    assert_eq!(briefs(&back), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

#[test]
fn watched_file_events_for_an_open_document_keep_the_editor_text() {
    let ws = TempDir::new("open-wins");
    ws.write("bot.usecases.yaml", BOT);
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    ws.write("bot.usecases.yaml", "manifest: bot\nuse-cases: []\n");
    server.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": 2 }] }),
    );
    let later = server.publishes_until_settled(&uri);
    assert!(
        later
            .iter()
            .all(|p| codes(p) == ["missing-safeguard", "prohibited-use", "unknown-category"]),
        "{later:#?}"
    );
    // Requests read the editor's text too: its use cases, where the disk has none.
    let symbols = server.ok("textDocument/documentSymbol", json!({ "textDocument": { "uri": uri } }));
    assert!(
        flatten_symbols(&symbols).iter().any(|(_, s)| s["name"] == "legal-help"),
        "{symbols}"
    );
    server.finish();
}

#[test]
fn the_cached_bundled_policy_opens_read_only_and_clean() {
    let ws = TempDir::new("bundled-open");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    // "Go to definition" opened the cached file in the editor.
    let cached = server.cache.path.join(BUNDLED);
    let cached_uri = file_uri(&cached);
    let text = std::fs::read_to_string(&cached).unwrap();
    server.open(&cached_uri, &text);
    let hover = server.ok(
        "textDocument/hover",
        json!({ "textDocument": { "uri": cached_uri }, "position": high_risk_legal_decl()["start"] }),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|t| t.contains("high-risk.legal")),
        "{hover}"
    );
    // Typing into it changes nothing: the bundled policy is not editable.
    server.change(
        &cached_uri,
        2,
        json!([{ "range": malicious_cyber_id(), "text": "renamed-rule" }]),
    );
    let publishes = server.publishes_until_settled(&cached_uri);
    assert!(
        publishes.iter().all(|p| p["diagnostics"] == json!([])),
        "{publishes:#?}"
    );
    // The manifest still sees the real bundled policy.
    server.change(&uri, 2, json!([{ "range": range(0, 0, 0, 0), "text": "# touch\n" }]));
    let publish = server.publish_version(&uri, 2);
    assert_eq!(find(&publish, "prohibited-use")["message"], PROHIBITED_MALWARE);
    server.close(&cached_uri);
    server.finish();
}

#[test]
fn crlf_documents_get_the_same_positions() {
    let ws = TempDir::new("crlf");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, &BOT.replace('\n', "\r\n"));
    let publish = server.publish_version(&uri, 1);
    assert_eq!(
        briefs(&publish),
        vec![
            d("missing-safeguard", ERROR, [3, 8, 3, 18]),
            d("prohibited-use", ERROR, [6, 17, 6, 30]),
            d("unknown-category", ERROR, [8, 17, 8, 31]),
        ]
    );
    server.change(&uri, 2, json!([{ "range": range(8, 30, 8, 30), "text": "a" }]));
    let publish = server.publish_version(&uri, 2);
    assert_eq!(
        briefs(&publish),
        vec![
            d("missing-safeguard", ERROR, [3, 8, 3, 18]),
            d("prohibited-use", ERROR, [6, 17, 6, 30]),
            d("missing-safeguard", ERROR, [7, 8, 7, 17]),
        ]
    );
    // A change that ends past the end of a CRLF line stops before its line break.
    server.change(&uri, 3, json!([{ "range": range(0, 13, 0, 99), "text": "-two" }]));
    let publish = server.publish_version(&uri, 3);
    assert_eq!(briefs(&publish).len(), 3, "{publish:#}");
    server.finish();
}

/// A big manifest opened and closed at once: whatever the check in flight finds, the last
/// word on the closed file is "no diagnostics".
#[test]
fn closing_a_document_while_it_is_checked_leaves_no_stale_diagnostics() {
    let ws = TempDir::new("close-race");
    let uri = ws.uri("big.usecases.yaml");
    let mut text = String::from("manifest: big\nuse-cases:\n");
    for i in 0..4000 {
        let category = [
            "high-risk.legal",
            "cyber.malware",
            "politics.writing",
            "law-enforcement.tracking",
        ][i % 4];
        text.push_str(&format!(
            "  - id: case-{i}\n    categories: [{category}]\n    audience: business\n"
        ));
    }
    let server = Server::start(&Options::default());
    for round in 0..3 {
        server.open(&uri, &text);
        std::thread::sleep(Duration::from_millis(20 * round));
        server.close(&uri);
        // didClose publishes no diagnostics; nothing a check in flight publishes may come after.
        let cleared = server.publish_where(&uri, "no diagnostics", |p| p["diagnostics"] == json!([]));
        let all: Vec<Value> = std::iter::once(cleared)
            .chain(server.publishes_until_settled(&uri))
            .collect();
        let last = all.last().expect("the cleared publication at least");
        assert_eq!(
            last["diagnostics"].as_array().map(Vec::len),
            Some(0),
            "round {round}: the closed file keeps {} stale diagnostics (publications: {:?})",
            last["diagnostics"].as_array().map_or(0, Vec::len),
            all.iter()
                .map(|p| (p["version"].clone(), p["diagnostics"].as_array().map_or(0, Vec::len)))
                .collect::<Vec<_>>()
        );
    }
    server.finish();
}

#[test]
fn requests_before_initialize_are_refused_and_the_server_goes_on() {
    let server = Server::spawn(&Options::default());
    let error = server.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.usecases.yaml" }, "position": pos(0, 0) }),
    );
    assert_eq!(error.expect_err("not initialized")["code"], -32002);
    let result = server.ok("initialize", Options::default().initialize_params());
    assert_eq!(result["serverInfo"]["name"], "charter");
    server.notify("initialized", json!({}));
    // A second initialize is refused.
    let again = server.request("initialize", Options::default().initialize_params());
    assert!(again.is_err(), "{again:?}");
    server.finish();
}

/// LSP 3.17: without a `shutdown` first, `exit` ends the server with status 1.
#[test]
fn exit_without_shutdown_ends_with_status_1() {
    let mut server = Server::start(&Options::default());
    server.notify("exit", Value::Null);
    let status = server
        .wait_exit(Duration::from_secs(1))
        .expect("exited within a second");
    assert_eq!(status.code(), Some(1));
    server.assert_clean_stdout();
}

/// An editor that dies closes the pipe: the server must not linger.
#[test]
fn the_server_ends_when_its_input_closes() {
    let ws = TempDir::new("eof");
    let uri = ws.uri("bot.usecases.yaml");
    let mut server = Server::start(&Options::default());
    server.open(&uri, BOT);
    server.publish_version(&uri, 1);
    server.close_stdin();
    let status = server.wait_exit(Duration::from_secs(2));
    assert!(status.is_some(), "the server still runs 2 s after its stdin closed");
    server.assert_clean_stdout();
}

// ---------------------------------------------------------------------------------------------
// Mangled input

const MANGLE_POLICY: &str = "\
policy: acme
version: 2025-10-01
extends: anthropic-usage@2025-09-15
attributes:
  region:
    summary: Where.
    values: [eu, us]
    default: eu
safeguards:
  audit-log:
    summary: Every conversation is logged.
sections:
  ops:
    title: Operations
    text: { en: Logged., zh: 记录。 }
categories:
  support:
    summary: Support.
    section: ops
  support.faq:
    summary: Questions.
rules:
  - id: defense-logged
    effect: require
    categories: [cyber.defense, support]
    when: { region: eu }
    safeguards: [audit-log]
  - id: no-faq
    effect: prohibit
    categories: [support.faq]
    when: { region: us }
";

const MANGLE_BOT: &str = "\
manifest: acme-bot
policy: acme@2025-10-01
use-cases:
  - id: blue-team
    summary: 中文😀 text
    categories: [cyber.defense, support.faq]
    region: us
  - {id: logged, categories: [support], safeguards: [audit-log]}
";

/// A position (UTF-16) for a byte offset of `text` (a char boundary).
fn utf16_pos(text: &str, offset: usize) -> Value {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..line_start].matches('\n').count();
    let col: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
    pos(line as u32, col as u32)
}

fn boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Hundreds of random edits to a policy and its manifest, with requests in between: every
/// request is answered without an internal error, the server keeps publishing, and the
/// final diagnostics equal those of a fresh server given the final texts whole.
#[test]
fn mangled_documents_never_stop_the_server() {
    const SNIPPETS: &[&str] = &[
        "- ",
        ": ",
        "[",
        "]",
        "{",
        "}",
        "\n",
        "  ",
        "中",
        "😀",
        "high-risk",
        "&a ",
        "*a ",
        "!!str ",
        "'",
        "\"",
        "#",
        "\t",
        "---\n",
        "\r\n",
        ",",
        "id: x",
        "categories: [",
        "support.",
        "@",
        "é",
        "?",
        "|\n  ",
        ">-\n",
        "\u{FEFF}",
    ];
    let ws = TempDir::new("mangle");
    let (policy, manifest) = (ws.uri("acme.policy.yaml"), ws.uri("bot.usecases.yaml"));
    let server = Server::start(&Options::default());
    let mut texts = [MANGLE_POLICY.to_owned(), MANGLE_BOT.to_owned()];
    let uris = [policy.clone(), manifest.clone()];
    server.open(&policy, &texts[0]);
    server.open(&manifest, &texts[1]);
    let mut versions = [1, 1];
    // `CHARTER_MANGLE_SEED` explores other sequences; the default one is fixed.
    let seed = std::env::var("CHARTER_MANGLE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed);
    for step in 0..300 {
        let which = rng.below(2);
        let text = &mut texts[which];
        let start = boundary(text, rng.below(text.len() + 1));
        let end = boundary(text, start + rng.below(6));
        let end = end.max(start);
        let insert = if rng.below(3) == 0 {
            ""
        } else {
            SNIPPETS[rng.below(SNIPPETS.len())]
        };
        let range_value = json!({ "start": utf16_pos(text, start), "end": utf16_pos(text, end) });
        text.replace_range(start..end, insert);
        versions[which] += 1;
        server.change(
            &uris[which],
            versions[which],
            json!([{ "range": range_value, "text": insert }]),
        );
        if step % 7 == 0 {
            let uri = &uris[rng.below(2)];
            let t = &texts[if uri == &policy { 0 } else { 1 }];
            let at = utf16_pos(t, boundary(t, rng.below(t.len() + 1)));
            let doc = json!({ "uri": uri });
            let mut requests = position_requests(&doc, &at);
            requests.extend([
                ("textDocument/documentSymbol", json!({ "textDocument": doc })),
                ("textDocument/foldingRange", json!({ "textDocument": doc })),
                ("textDocument/documentLink", json!({ "textDocument": doc })),
                ("workspace/symbol", json!({ "query": "a" })),
                (
                    "textDocument/inlayHint",
                    json!({ "textDocument": doc, "range": range(0, 0, 200, 0) }),
                ),
                ("textDocument/codeLens", json!({ "textDocument": doc })),
                (
                    "textDocument/codeAction",
                    json!({ "textDocument": doc, "range": range(0, 0, 200, 0), "context": { "diagnostics": [] } }),
                ),
                (
                    "textDocument/codeAction",
                    json!({ "textDocument": doc, "range": range(0, 0, 0, 0), "context": { "diagnostics": [], "only": ["source.fixAll"] } }),
                ),
                ("textDocument/semanticTokens/full", json!({ "textDocument": doc })),
                (
                    "textDocument/semanticTokens/range",
                    json!({ "textDocument": doc, "range": range(2, 0, 6, 0) }),
                ),
            ]);
            for (method, params) in requests {
                if let Err(error) = server.request(method, params.clone()) {
                    panic!(
                        "step {step}: {method} failed: {error}\nparams: {params}\ntext:\n{t}\nserver stderr:\n{}",
                        server.stderr()
                    );
                }
            }
        }
    }
    let finals = [
        server.publish_version(&policy, versions[0] as i64),
        server.publish_version(&manifest, versions[1] as i64),
    ];
    assert!(
        !server.stderr().contains("a bug"),
        "the server reported a failure:\n{}\nfinal texts:\n{}\n---\n{}",
        server.stderr(),
        texts[0],
        texts[1]
    );
    server.finish();

    // Incremental sync ends where a whole-text open of the same texts starts.
    let fresh = Server::start(&Options::default());
    fresh.open(&policy, &texts[0]);
    fresh.open(&manifest, &texts[1]);
    let expected = [fresh.publish_version(&policy, 1), fresh.publish_version(&manifest, 1)];
    for i in 0..2 {
        assert_eq!(
            finals[i]["diagnostics"], expected[i]["diagnostics"],
            "{}: incremental and whole text differ; final text:\n{}",
            uris[i], texts[i]
        );
    }
    fresh.finish();
}

#[test]
fn editing_a_base_policy_rechecks_the_open_layer_above_it() {
    let base_text = "policy: base\nversion: 2025-10-01\nextends: anthropic-usage@2025-09-15\nrules:\n  - id: no-defense\n    effect: prohibit\n    categories: [cyber.defense]\n";
    let top_text = "policy: top\nversion: 2025-10-02\nextends: base@2025-10-01\nrules:\n  - id: defense-ok\n    effect: allow\n    categories: [cyber.defense]\n";
    let ws = TempDir::new("layer");
    ws.write("base.policy.yaml", base_text);
    ws.write("top.policy.yaml", top_text);
    let (base, top) = (ws.uri("base.policy.yaml"), ws.uri("top.policy.yaml"));
    let server = Server::start(&workspace_client(&ws));
    server.wait_indexed();
    server.open(&base, base_text);
    server.open(&top, top_text);
    let publish = server.publish_where(&top, "layer-violation", |p| codes(p) == ["layer-violation"]);
    assert_eq!(briefs(&publish), vec![d("layer-violation", ERROR, [4, 8, 4, 18])]);
    assert_eq!(
        find(&publish, "layer-violation")["relatedInformation"][0]["location"],
        json!({ "uri": base, "range": range(4, 8, 4, 18) })
    );
    // The base stops prohibiting: the layer's allow is no longer a violation.
    server.change(&base, 2, json!([{ "range": range(3, 0, 7, 0), "text": "" }]));
    // (Without the base's prohibition the layer's allow changes nothing: a redundant rule.)
    let publish = server.publish_where(&top, "no layer-violation", |p| {
        !codes(p).contains(&String::from("layer-violation"))
    });
    assert_eq!(publish["version"], 1);
    assert_eq!(briefs(&publish), vec![d("redundant-rule", 4, [4, 8, 4, 18])]);
    assert_eq!(find(&publish, "redundant-rule")["tags"], json!([1]));
    server.finish();
}

#[test]
fn a_root_uri_alone_is_the_workspace_folder() {
    let ws = TempDir::new("root-uri");
    ws.write("lib.policy.yaml", LIB_POLICY);
    let app = ws.uri("app.usecases.yaml");
    let server = Server::start(&Options {
        folders: vec![ws.root_uri()],
        root_uri_only: true,
        ..Options::default()
    });
    server.open(&app, APP);
    let publish = server.publish_where(&app, "missing-safeguard", |p| codes(p) == ["missing-safeguard"]);
    assert_eq!(briefs(&publish), vec![d("missing-safeguard", ERROR, [3, 8, 3, 17])]);
    server.finish();
}

#[test]
fn yml_extensions_and_unsaved_documents_are_checked_by_their_names() {
    let ws = TempDir::new("yml");
    let server = Server::start(&Options::default());
    let yml = ws.uri("bot.usecases.yml");
    server.open(&yml, BOT);
    assert_eq!(
        codes(&server.publish_version(&yml, 1)),
        ["missing-safeguard", "prohibited-use", "unknown-category"]
    );
    let policy = ws.uri("tiny.policy.yml");
    server.open(&policy, "policy: tiny\nversion: 2025-10-01\ndefault: maybe\n");
    assert_eq!(
        briefs(&server.publish_version(&policy, 1)),
        vec![d("invalid-value", ERROR, [2, 9, 2, 14])]
    );
    // A document not saved yet (no file behind it) is still checked by its name.
    let untitled = "untitled:/drafts/new.usecases.yaml";
    server.open(untitled, BOT);
    assert_eq!(
        codes(&server.publish_version(untitled, 1)),
        ["missing-safeguard", "prohibited-use", "unknown-category"]
    );
    server.close(untitled);
    assert_eq!(server.publish(untitled)["diagnostics"], json!([]));
    server.finish();
}

// ---------------------------------------------------------------------------------------------
// Links to the code pages of the user's guide

/// Every diagnostic's `codeDescription.href` is its code's page under `base`.
fn assert_links_under(publish: &Value, base: &str) {
    let all = diagnostics(publish);
    assert!(!all.is_empty(), "{publish}");
    for diagnostic in all {
        let code = diagnostic["code"].as_str().expect("a code");
        assert_eq!(
            diagnostic["codeDescription"]["href"],
            format!("{base}codes/{code}.html"),
            "{diagnostic}"
        );
    }
}

#[test]
fn every_diagnostic_links_its_code_page_at_the_configured_address() {
    let default = charter::diagnostic::DEFAULT_DOCS_URL;
    assert!(default.starts_with("https://") && default.ends_with('/'), "{default}");

    // No setting: the published guide.
    let ws = TempDir::new("docs-url");
    let uri = ws.uri("bot.usecases.yaml");
    let server = Server::start(&Options::default());
    server.open(&uri, BOT);
    assert_links_under(&server.publish(&uri), default);
    server.finish();

    // `docsUrl` in `initializationOptions` (without its final `/`), then changed through
    // `workspace/didChangeConfiguration`: the diagnostics are published again with new links.
    let server = Server::start(&Options {
        init_options: Some(json!({ "docsUrl": "https://mirror.example/charter" })),
        ..Options::default()
    });
    server.open(&uri, BOT);
    assert_links_under(&server.publish(&uri), "https://mirror.example/charter/");
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "charter": { "docsUrl": "file:///srv/charter-book/" } } }),
    );
    let republished = server.publish_where(&uri, "links to the local book", |p| {
        diagnostics(p).first().is_some_and(|d| {
            d["codeDescription"]["href"]
                .as_str()
                .unwrap_or("")
                .starts_with("file:///srv/")
        })
    });
    assert_links_under(&republished, "file:///srv/charter-book/");

    // A setting that is no address is ignored, with a line in the log: back to the default.
    server.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "charter": { "docsUrl": "not a url" } } }),
    );
    let republished = server.publish_where(&uri, "links to the published guide", |p| {
        diagnostics(p)
            .first()
            .is_some_and(|d| d["codeDescription"]["href"].as_str().unwrap_or("").starts_with(default))
    });
    assert_links_under(&republished, default);
    let deadline = std::time::Instant::now() + TIMEOUT;
    while !server.stderr().contains("ignoring setting `docsUrl`") && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        server.stderr().contains("ignoring setting `docsUrl`"),
        "{}",
        server.stderr()
    );
    server.finish();
}
