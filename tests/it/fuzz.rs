//! Bounded fuzzing in CI: whatever arrives — command text, form input, configuration files —
//! is answered or refused, never a panic (Slack payloads: adapters/slack/tests/it/fuzz.rs).

use crate::common;

use common::chat::{ada, mario};
use helpdesk::config::Loader;
use helpdesk::desk::keys::{ArticleForm, ArticleId, FormId, TicketForm};
use helpdesk::desk::parse_command;
use helpdesk::domain::{TicketId, TicketNumber};
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk_chat::EventKind;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// Text with what breaks parsers: quotes, markup, control and wide characters, huge numbers.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[#@<>!&*:/\"'`\\\\ \t\n\r{}\\[\\]0-9a-zA-Zà€😀Ł\u{202e}\u{0}-]{0,80}",
        Just("#99999999999999999999999".to_string()),
        Just("escalate L9 <!channel>".to_string()),
        Just("assign <@U1|x> <@".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn command_text_is_parsed_or_refused(text in nasty_text()) {
        let specialties = vec!["network".to_string()];
        let _ = parse_command(&text, &specialties);
    }

    #[test]
    fn configuration_files_load_or_say_what_is_wrong(text in prop_oneof![
        any::<String>(),
        "(\\[\\[?[a-z.]{1,12}\\]\\]?\n|[a-z_]{1,12} = (\"[^\"]{0,10}\"|[0-9]{1,5}|true|\\[\\])\n){0,8}",
    ]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("helpdesk.toml");
        std::fs::write(&path, &text).unwrap();
        let _ = Loader { path: Some(&path), env: Vec::new() }.load();
    }
}

/// Form submissions with any id and any fields: the desk answers every one.
#[test]
fn any_form_input_is_answered_or_refused() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Every form the desk opens, as it writes their ids, and anything else.
    let ticket = TicketId(1);
    let mut known: Vec<String> = TicketForm::ALL
        .into_iter()
        .map(|f| FormId::Ticket(f, ticket))
        .chain([
            FormId::NewTicket,
            FormId::Comment(ticket),
            FormId::Article(ArticleForm::New),
            FormId::Article(ArticleForm::Edit(ArticleId(1))),
            FormId::Article(ArticleForm::Promote(TicketNumber(1))),
        ])
        .map(|f| f.to_string())
        .collect();
    known.sort();
    let forms = prop_oneof![prop::sample::select(known), nasty_text()];
    let fields = prop::collection::btree_map(
        prop::sample::select(vec![
            "title",
            "description",
            "category",
            "urgency",
            "impact",
            "level",
            "specialty",
            "reason",
            "resolution",
            "note",
            "comment",
            "slug",
            "body",
            "tags",
        ]),
        nasty_text(),
        0..6,
    );
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 128,
        ..ProptestConfig::default()
    });
    runtime.block_on(async {
        let db = common::TestDb::sqlite().await;
        let sb = Sandbox::new(db.store.clone(), example_tenant(), common::now());
        let opened = sb.event(
            &mario(),
            "help",
            None,
            common::chat::message("my VPN is down", "m-1"),
        );
        sb.handle(&opened).await.unwrap();
        let sb = std::sync::Arc::new(sb);
        let handle = tokio::runtime::Handle::current();
        let checked = tokio::task::spawn_blocking(move || {
            let n = std::sync::atomic::AtomicUsize::new(0);
            runner.run(&(forms, fields, any::<bool>()), |(form, fields, agent)| {
                let k = n.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let fields: BTreeMap<String, String> = fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                let who = if agent { ada() } else { mario() };
                let mut event = sb.event(
                    &who,
                    "support-l1",
                    None,
                    EventKind::FormSubmitted {
                        form,
                        fields,
                        trigger: None,
                    },
                );
                event.event_id = format!("fuzz-{k}");
                let handled = handle.block_on(sb.handle(&event));
                prop_assert!(handled.is_ok(), "{handled:?}");
                Ok(())
            })
        })
        .await
        .unwrap();
        checked.unwrap();
        db.finish().await;
    });
}
