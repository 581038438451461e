//! Every command and button × every role, on a ticket at L2: who may, who is refused (politely,
//! privately), and every privileged act that went through is in the audit log.

mod common;

use common::chat::{ada, boss, bruno, click, command, luisa, mario, message, send};
use common::TestDb;
use helpdesk::i18n::{self, Language, Msg};
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk_chat::{ChatAction, EventKind, Sender};

/// Who is asking, by role.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// The ticket's requester.
    Requester,
    /// Another employee.
    Other,
    /// An L1 agent (the ticket is above them).
    L1,
    /// An L2 agent.
    L2,
    /// A manager.
    Manager,
}

const ROLES: [Role; 5] = [
    Role::Requester,
    Role::Other,
    Role::L1,
    Role::L2,
    Role::Manager,
];

fn person(role: Role) -> Sender {
    match role {
        Role::Requester => mario(),
        Role::Other => luisa(),
        Role::L1 => ada(),
        Role::L2 => bruno(),
        Role::Manager => boss(),
    }
}

/// Which roles may do what, as the product promises it: agents act at or below their level,
/// managers everywhere, requesters see and answer for their own tickets only.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Agents at the ticket's level or above, and managers.
    Work,
    /// The requester and every agent.
    See,
    /// The requester, agents at the ticket's level or above, and managers.
    OwnOrWork,
    /// Only the requester.
    OwnOnly,
    /// Any agent.
    AnyAgent,
    /// Managers only.
    Managers,
}

impl Rule {
    fn allows(self, role: Role) -> bool {
        match self {
            Rule::Work => matches!(role, Role::L2 | Role::Manager),
            Rule::See => role != Role::Other,
            Rule::OwnOrWork => matches!(role, Role::Requester | Role::L2 | Role::Manager),
            Rule::OwnOnly => role == Role::Requester,
            Rule::AnyAgent => matches!(role, Role::L1 | Role::L2 | Role::Manager),
            Rule::Managers => role == Role::Manager,
        }
    }
}

/// Every `/ticket` subcommand on ticket #1, and every card and answer button.
fn actions(ticket_id: i64) -> Vec<(String, EventKind, Rule, bool)> {
    let c = |text: &str, rule, privileged| (text.to_string(), command(text), rule, privileged);
    let b = |id: &str, value: String, rule, privileged| {
        (format!("button {id}"), click(id, &value), rule, privileged)
    };
    let id = ticket_id.to_string();
    vec![
        c("show #1", Rule::See, false),
        c("claim #1", Rule::Work, true),
        c("assign #1 <@U-bruno>", Rule::Work, true),
        c("escalate #1 L3 needs the network team", Rule::Work, true),
        c("deescalate #1 L1 can do it", Rule::Work, true),
        c("priority #1 high high", Rule::Work, true),
        c("pending #1", Rule::Work, true),
        c("hold #1 waiting for the vendor", Rule::Work, true),
        c("resolve #1 restarted the gateway", Rule::Work, true),
        c("note #1 checked the logs", Rule::Work, true),
        c("close #1", Rule::OwnOrWork, false),
        c("list queue", Rule::AnyAgent, false),
        c("list level", Rule::AnyAgent, false),
        c("list all", Rule::Managers, false),
        b("ticket.claim", id.clone(), Rule::Work, true),
        b("ticket.escalate", id.clone(), Rule::Work, false),
        b("ticket.resolve", id.clone(), Rule::Work, false),
        b("ticket.priority", id.clone(), Rule::Work, false),
        b("ticket.note", id.clone(), Rule::Work, false),
        b("ticket.confirm", format!("{id}:yes"), Rule::OwnOnly, false),
    ]
}

fn refusals() -> Vec<String> {
    let args: [(&str, &(dyn std::fmt::Display + Sync)); 2] = [("number", &"#1"), ("level", &"L2")];
    [
        Msg::RefusedAgentsOnly,
        Msg::RefusedManagersOnly,
        Msg::RefusedNotYours,
        Msg::RefusedAboveLevel,
    ]
    .into_iter()
    .map(|m| i18n::text(Language::En, m, &args))
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_and_button_for_every_role() {
    let refusals = refusals();
    let mut wrong = Vec::new();
    let mut cells = 0;
    for role in ROLES {
        let count = actions(0).len();
        for index in 0..count {
            // A fresh desk per cell: one act on a ticket at L2, nobody holding it.
            let db = TestDb::sqlite().await;
            let sb = Sandbox::new(db.store.clone(), example_tenant(), common::now());
            send(
                &sb,
                &mario(),
                "help",
                None,
                message("my VPN is down", "m-1"),
            )
            .await;
            send(
                &sb,
                &boss(),
                "support-l1",
                None,
                command("escalate #1 L2 network"),
            )
            .await;
            let ticket = common::chat::ticket(&sb, 1).await;
            assert_eq!(ticket.level, helpdesk::domain::Level::L2);
            let (name, kind, rule, privileged) = actions(ticket.id.0).swap_remove(index);
            let who = person(role);
            let audited_before = db.store.audit_log(1000).await.unwrap().len();
            let logged_before = db.store.log(ticket.id).await.unwrap().len();
            let sent_before = sb.platform.sent().len();
            send(&sb, &who, "support-l2", None, kind).await;
            let told: Vec<String> = sb.platform.sent()[sent_before..]
                .iter()
                .filter_map(|r| match &r.action {
                    ChatAction::Ephemeral { user, message, .. } if *user == who.id => {
                        Some(message.text.clone())
                    }
                    _ => None,
                })
                .collect();
            let refused = told
                .iter()
                .any(|t| refusals.iter().any(|r| t.contains(r.as_str())));
            let audited = db.store.audit_log(1000).await.unwrap().len() > audited_before;
            // Something happened to the ticket (not only an explanation such as "not now").
            let acted = db.store.log(ticket.id).await.unwrap().len() > logged_before;
            let allowed = rule.allows(role);
            if refused == allowed {
                wrong.push(format!(
                    "{name} by {role:?}: expected {}, told {told:?}",
                    if allowed { "allowed" } else { "refused" }
                ));
            }
            if acted && privileged && !audited {
                wrong.push(format!(
                    "{name} by {role:?}: allowed but not in the audit log"
                ));
            }
            if !allowed && (audited || acted) {
                wrong.push(format!("{name} by {role:?}: refused but done"));
            }
            cells += 1;
            db.finish().await;
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
