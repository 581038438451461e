//! The knowledge base in chat: suggestions when a ticket opens ("This solved it" closes it as
//! self-service, "I still need help" goes on to the agents), and `/kb search|show|add|edit|
//! promote`. Everyone reads their tenant's articles and the shared ones; a tenant's agents
//! write its articles, installation admins the shared ones.

use super::card;
use super::command::{self, KbCommand};
use super::context::{Cx, Ev};
use super::forms::{self, ArticleStart};
use super::keys::{ArticleForm, ArticleId, Widget};
use super::timers::{self, TimerKind};
use super::{find, sla};
use crate::domain::{Act, Author, LogKind, Status, Ticket, TicketId, TicketNumber};
use crate::i18n::{Arg, Msg};
use crate::kb::{Article, ArticleDraft, ArticleSource, KbLanguage, KbOwner};
use crate::store::{ArticleCounter, Saved, StoreError};
use helpdesk_chat::{truncate_chars, Button, ButtonStyle, CommandOption, Permission, RichMessage};
use serde_json::json;
use std::collections::BTreeMap;

/// How much of an article's body a suggestion shows.
const EXCERPT_CHARS: usize = 300;

/// Whose articles the event's people read: their tenant's and the shared ones.
fn reader(cx: &Cx<'_>) -> KbOwner {
    KbOwner::Tenant(cx.tenant)
}

/// Whether the person is an installation admin (top-level `admins`).
fn is_admin(cx: &Cx<'_>, ev: &Ev<'_>) -> bool {
    crate::config::is_installation_admin(cx.admins, ev.event.platform, &ev.person.id)
}

/// Whether the person may write articles of their tenant: its agents, and installation admins.
fn may_write(cx: &Cx<'_>, ev: &Ev<'_>) -> bool {
    ev.access.is_agent() || is_admin(cx, ev)
}

/// Whether the person may change this article (found for their tenant, so its own or shared);
/// tells them why not.
async fn may_edit(cx: &mut Cx<'_>, ev: &Ev<'_>, article: &Article) -> Result<bool, StoreError> {
    let allowed = match article.owner {
        KbOwner::Shared if is_admin(cx, ev) => true,
        KbOwner::Shared => {
            tracing::info!(user = %ev.person.id, slug = %article.slug, "shared article: admins only");
            cx.tell_msg(
                ev,
                Msg::KbSharedAdminsOnly,
                &[("slug", Arg::text(&article.slug))],
            )
            .await?;
            return Ok(false);
        }
        KbOwner::Tenant(t) => t == cx.tenant && may_write(cx, ev),
    };
    if !allowed {
        tracing::info!(user = %ev.person.id, slug = %article.slug, "article edit refused");
        cx.tell_msg(ev, Msg::RefusedAgentsOnly, &[]).await?;
    }
    Ok(allowed)
}

/// Suggests relevant articles to the requester of a new ticket, if any pass the threshold.
pub(crate) async fn suggest(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<bool, StoreError> {
    let Some(kb) = cx.kb else {
        return Ok(false);
    };
    let text = format!("{} {}", ticket.title, ticket.description);
    let found = kb.suggest(reader(cx), &text, crate::kb::SUGGESTED_AT_INTAKE);
    if found.is_empty() {
        return Ok(false);
    }
    let slugs: Vec<String> = found.iter().map(|s| s.slug.clone()).collect();
    let author = Author::System;
    cx.record(
        ticket,
        &author,
        vec![LogKind::KbSuggestionShown { articles: slugs }],
    )
    .await?;
    // Said to the requester: in their language.
    let lang = cx.requester_language(ticket).await?;
    let intro = crate::i18n::text(lang, Msg::SuggestionsIntro, &[]);
    card::to_requester(cx, ticket, RichMessage::text(intro)).await?;
    let mut shown = false;
    for s in found {
        let Some(article) = cx.tx.article(reader(cx), &s.slug).await? else {
            continue;
        };
        shown = true;
        cx.tx
            .count_article(article.id, ArticleCounter::Shown)
            .await?;
        let article_id = ArticleId(article.id);
        let message = RichMessage {
            title: Some(truncate_chars(&article.title, cx.limits.title)),
            text: truncate_chars(&article.body, EXCERPT_CHARS.min(cx.limits.text)),
            buttons: vec![
                Button {
                    label: crate::i18n::text(lang, Msg::ButtonArticleSolved, &[]),
                    id: Widget::KbSolved(ticket.id, article_id).to_string(),
                    style: ButtonStyle::Primary,
                },
                Button {
                    label: crate::i18n::text(lang, Msg::ButtonArticleNotSolved, &[]),
                    id: Widget::KbUnhelpful(ticket.id, article_id).to_string(),
                    style: ButtonStyle::Normal,
                },
            ],
            context: Some(format!("kb {}", article.slug)),
            ..RichMessage::default()
        };
        card::to_requester(cx, ticket, message).await?;
    }
    Ok(shown)
}

/// The grace after suggestions is over (its timer fired, or the requester said they still need
/// help): the level is paged, unless the ticket no longer waits for it (claimed, moved on,
/// solved by an article).
pub(crate) async fn grace_over(
    cx: &mut Cx<'_>,
    ticket: &Ticket,
    text: String,
) -> Result<(), StoreError> {
    if ticket.status != Status::New || ticket.assignee.is_some() {
        return Ok(());
    }
    card::ping_level(cx, ticket, text).await
}

/// The audit action of "I still need help" on a suggestion: counted once per ticket and article.
const UNHELPFUL_ACT: &str = "kb_unhelpful";

/// Whether this ticket's requester already said the article did not help.
async fn said_unhelpful(cx: &mut Cx<'_>, ticket: &Ticket, slug: &str) -> Result<bool, StoreError> {
    let said = cx
        .tx
        .audit_entries(&crate::store::AuditFilter {
            tenant: Some(cx.tenant),
            target: Some(ticket.number.to_string()),
            action: Some(UNHELPFUL_ACT.into()),
            limit: 100,
            ..Default::default()
        })
        .await?;
    Ok(said.iter().any(|e| e.detail["article"] == slug))
}

/// "This solved it" / "I still need help" on a suggestion.
pub(crate) async fn answered(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: TicketId,
    article: ArticleId,
    solved: bool,
) -> Result<(), StoreError> {
    let Some(mut ticket) = find::checked(cx, ev, id, Act::Confirm).await? else {
        return Ok(());
    };
    // The article id comes from the client: only the article this tenant sees under its slug
    // counts (never a shared one its own article of the same slug stands in for).
    let seen = match cx.tx.article_by_id(reader(cx), article.0).await? {
        Some(a) => cx.tx.article(reader(cx), &a.slug).await?,
        None => None,
    };
    let Some(article) = seen.filter(|a| a.id == article.0) else {
        tracing::warn!(
            article = article.0,
            "button names no article of this tenant"
        );
        return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
    };
    let slug = article.slug.as_str();
    // Only an article suggested for this ticket counts, either way: a forged button must not
    // move a shared article's numbers.
    let log = cx.tx.log(ticket.id).await?;
    let suggested = log.iter().any(|r| {
        matches!(&r.entry.kind, LogKind::KbSuggestionShown { articles } if articles.iter().any(|a| a == slug))
    });
    if !solved {
        if suggested && !said_unhelpful(cx, &ticket, slug).await? {
            cx.tx
                .count_article(article.id, ArticleCounter::Unhelpful)
                .await?;
            cx.audit(
                &ev.author(),
                UNHELPFUL_ACT,
                &ticket,
                json!({ "article": slug }),
            )
            .await?;
        }
        let lang = cx.requester_language(&ticket).await?;
        let text = cx.in_language(lang, |cx| {
            cx.t(
                Msg::RequesterStillNeedsHelp,
                &[("number", Arg::text(ticket.number))],
            )
        });
        card::to_requester(cx, &ticket, RichMessage::text(text)).await?;
        // Paged now if the level was still waiting for the articles' verdict.
        if cx
            .tx
            .ticket_timer(ticket.id, TimerKind::KbGrace)
            .await?
            .is_some()
        {
            timers::disarm(cx, &ticket, TimerKind::KbGrace).await?;
            let text = cx.t(
                Msg::AgentsKbNotSolved,
                &[
                    ("name", Arg::text(&ev.person.name)),
                    ("number", Arg::text(ticket.number)),
                ],
            );
            grace_over(cx, &ticket, text).await?;
        }
        return Ok(());
    }
    // Only an article suggested for this ticket, and only once, closes it as self-service.
    let deflected = log
        .iter()
        .any(|r| matches!(r.entry.kind, LogKind::Deflected { .. }));
    if !matches!(ticket.status, Status::New | Status::Open) || !suggested || deflected {
        return cx
            .tell_msg(
                ev,
                Msg::AlreadyAnswered,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    }
    let mut kinds = vec![LogKind::Deflected {
        article: slug.to_string(),
    }];
    if ticket.status == Status::Open {
        match ticket.move_to(Status::Resolved, cx.now) {
            Ok(k) => kinds.push(k),
            Err(e) => return find::explain(cx, ev, &ticket, e).await,
        }
    }
    match ticket.move_to(Status::Closed, cx.now) {
        Ok(k) => kinds.push(k),
        Err(e) => return find::explain(cx, ev, &ticket, e).await,
    }
    cx.tx
        .count_article(article.id, ArticleCounter::Solved)
        .await?;
    super::resolve::disarm_all(cx, &ticket).await?;
    cx.commit(
        &mut ticket,
        &ev.author(),
        kinds,
        "deflected",
        json!({ "article": slug }),
    )
    .await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::refresh(cx, &ticket, line).await?;
    let lang = cx.requester_language(&ticket).await?;
    let text = cx.in_language(lang, |cx| {
        cx.t(
            Msg::RequesterDeflected,
            &[("number", Arg::text(ticket.number))],
        )
    });
    card::to_requester(cx, &ticket, RichMessage::text(text)).await?;
    let text = cx.t(
        Msg::AgentsDeflected,
        &[
            ("name", Arg::text(&ev.person.name)),
            ("title", Arg::text(&article.title)),
        ],
    );
    card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
    super::resolve::after_close(cx, &ticket).await
}

/// `/kb …`, read with the command table (from text or typed options).
pub(crate) async fn command(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    args: &str,
    options: &[CommandOption],
) -> Result<(), StoreError> {
    let Some(kb) = cx.kb else {
        return cx.tell_msg(ev, Msg::KbUnavailable, &[]).await;
    };
    let read = command::read_kb(args, options);
    // Writing is for those who may write, whatever else is wrong with the command.
    let sub = match &read {
        Ok(c) => c.name(),
        Err(e) => e.subcommand(),
    };
    if command::permission("kb", sub) == Some(Permission::Agents) && !may_write(cx, ev) {
        return cx.tell_msg(ev, Msg::RefusedAgentsOnly, &[]).await;
    }
    let Ok(read) = read else {
        return cx.tell_msg(ev, Msg::KbHelp, &[]).await;
    };
    match read {
        KbCommand::Search { query } => {
            let found = kb.search(reader(cx), &query, 5);
            if found.is_empty() {
                return cx.tell_msg(ev, Msg::KbNothingFound, &[]).await;
            }
            let lines: Vec<String> = found
                .iter()
                .map(|s| format!("{} · {}", s.slug, s.title))
                .collect();
            let lang = cx.sender_language(ev).await?;
            let label = crate::i18n::text(lang, Msg::ButtonOpen, &[]);
            let buttons = found
                .iter()
                .map(|s| Button {
                    label: format!("{label} {}", truncate_chars(&s.slug, 40)),
                    id: Widget::KbShow(ArticleId(s.id)).to_string(),
                    style: ButtonStyle::Normal,
                })
                .collect();
            let message = RichMessage {
                title: Some(crate::i18n::text(
                    lang,
                    Msg::KbResultsTitle,
                    &[("count", Arg::num(found.len()))],
                )),
                text: lines.join("\n"),
                buttons,
                ..RichMessage::default()
            };
            cx.tell(ev, message).await
        }
        KbCommand::Show { slug } => show(cx, ev, &slug).await,
        KbCommand::Add => {
            let start = ArticleStart {
                editing: None,
                from: None,
                title: "",
                body: "",
                tags: &[],
                language: KbLanguage::from(cx.settings.language),
            };
            forms::open(cx, ev, |cx| forms::article(cx, start)).await
        }
        KbCommand::Edit { slug } => match cx.tx.article(reader(cx), &slug).await? {
            Some(a) => {
                if !may_edit(cx, ev, &a).await? {
                    return Ok(());
                }
                let start = ArticleStart {
                    editing: Some(ArticleId(a.id)),
                    from: None,
                    title: &a.title,
                    body: &a.body,
                    tags: &a.tags,
                    language: a.language,
                };
                forms::open(cx, ev, |cx| forms::article(cx, start)).await
            }
            None => {
                cx.tell_msg(ev, Msg::KbNoSuchArticle, &[("slug", Arg::text(&slug))])
                    .await
            }
        },
        KbCommand::Promote(number) => promote(cx, ev, number).await,
    }
}

/// Shows the article typed in `/kb show`.
async fn show(cx: &mut Cx<'_>, ev: &Ev<'_>, slug: &str) -> Result<(), StoreError> {
    // Only the tenant's own and shared articles are found.
    let Some(a) = cx.tx.article(reader(cx), slug).await? else {
        return cx
            .tell_msg(ev, Msg::KbNoSuchArticle, &[("slug", Arg::text(slug))])
            .await;
    };
    present(cx, ev, &a).await
}

/// Shows the article of a search result's button.
pub(crate) async fn show_clicked(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    article: ArticleId,
) -> Result<(), StoreError> {
    // The id comes from the client: only the tenant's own and shared articles are found.
    match cx.tx.article_by_id(reader(cx), article.0).await? {
        Some(a) => present(cx, ev, &a).await,
        None => {
            tracing::warn!(
                article = article.0,
                "button names no article of this tenant"
            );
            cx.tell_msg(ev, Msg::StaleButton, &[]).await
        }
    }
}

/// Shows one article to the person.
async fn present(cx: &mut Cx<'_>, ev: &Ev<'_>, a: &Article) -> Result<(), StoreError> {
    let message = RichMessage {
        title: Some(truncate_chars(&a.title, cx.limits.title)),
        text: truncate_chars(&a.body, cx.limits.text),
        context: Some(format!("kb {} · r{}", a.slug, a.revision)),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// Drafts an article from a resolved ticket: the agent edits it in the form before it is saved.
async fn promote(cx: &mut Cx<'_>, ev: &Ev<'_>, number: TicketNumber) -> Result<(), StoreError> {
    // Within the event's tenant only, and only for someone who may work the ticket.
    let Some(ticket) = find::target(cx, ev, Some(number)).await? else {
        return Ok(());
    };
    if !find::permitted(cx, ev, Act::Work, &ticket).await? {
        return Ok(());
    }
    let log = cx.tx.log(ticket.id).await?;
    let resolution = log.iter().rev().find_map(|r| match &r.entry.kind {
        LogKind::Resolution { text } => Some(text.clone()),
        _ => None,
    });
    let Some(resolution) = resolution else {
        return cx
            .tell_msg(
                ev,
                Msg::KbNotResolved,
                &[("number", Arg::text(ticket.number))],
            )
            .await;
    };
    let problem = cx.t(Msg::KbProblemHeading, &[]);
    let fix = cx.t(Msg::KbResolutionHeading, &[]);
    let body = format!(
        "## {problem}\n\n{}\n\n## {fix}\n\n{resolution}",
        ticket.description
    );
    let tags: Vec<String> = ticket.category.iter().cloned().collect();
    let start = ArticleStart {
        editing: None,
        from: Some(ticket.number),
        title: ticket.title.as_str(),
        body: &body,
        tags: &tags,
        language: KbLanguage::from(cx.settings.language),
    };
    forms::open(cx, ev, |cx| forms::article(cx, start)).await
}

/// The article form came back: save (the tenant's agents, or admins for shared articles), then
/// the index takes it in after commit. The form id comes from the client: rights are checked
/// again here.
pub(crate) async fn save(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    form: ArticleForm,
    fields: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    if !may_write(cx, ev) {
        return cx.tell_msg(ev, Msg::RefusedAgentsOnly, &[]).await;
    }
    let get = |k: &str| {
        fields
            .get(k)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let (owner, slug, source, before) = if let ArticleForm::Edit(id) = form {
        // The id comes from the client: only an article this tenant may see is found.
        let Some(existing) = cx.tx.article_by_id(reader(cx), id.0).await? else {
            tracing::warn!(
                article = id.0,
                "article form names no article of this tenant"
            );
            return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
        };
        if !may_edit(cx, ev, &existing).await? {
            return Ok(());
        }
        (
            existing.owner,
            existing.slug.clone(),
            existing.source.clone(),
            Some(existing),
        )
    } else {
        let source = match form {
            ArticleForm::Promote(number) => {
                // The ticket's tenant only, and only by someone who may still work it.
                let Some(ticket) = find::target(cx, ev, Some(number)).await? else {
                    return Ok(());
                };
                if !find::permitted(cx, ev, Act::Work, &ticket).await? {
                    return Ok(());
                }
                ArticleSource::Ticket {
                    number: ticket.number.0,
                }
            }
            ArticleForm::New | ArticleForm::Edit(_) => ArticleSource::Written,
        };
        let slug = free_slug(cx, &get("title")).await?;
        (KbOwner::Tenant(cx.tenant), slug, source, None)
    };
    let draft = ArticleDraft {
        slug,
        title: get("title"),
        body: get("body"),
        tags: get("tags")
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
        language: get("language")
            .parse()
            .unwrap_or(KbLanguage::from(cx.settings.language)),
        source,
        author: Some(ev.person.id.clone()),
    };
    if let Err(reason) = crate::kb::check(&draft) {
        tracing::info!(%reason, "article refused");
        let lang = cx.sender_language(ev).await?;
        return cx
            .tell_msg(
                ev,
                Msg::KbInvalid,
                &[("reason", Arg::text(reason.text(lang)))],
            )
            .await;
    }
    let (article, saved) = cx.tx.save_article(owner, &draft, cx.now).await?;
    let entry = crate::store::AuditEntry {
        tenant: Some(cx.tenant),
        at: cx.now,
        actor: ev.person.clone(),
        action: "kb_save".into(),
        target: article.slug.clone(),
        detail: change_detail(before.as_ref(), &article, saved),
    };
    cx.tx.audit(&entry).await?;
    cx.tell_msg(
        ev,
        Msg::KbSaved,
        &[
            ("slug", Arg::text(&article.slug)),
            ("revision", Arg::num(article.revision)),
        ],
    )
    .await?;
    cx.saved_articles.push(article);
    Ok(())
}

/// What an audit row says of a save: whose article, which revisions, and what changed.
fn change_detail(before: Option<&Article>, after: &Article, saved: Saved) -> serde_json::Value {
    let saved = match saved {
        Saved::Created => "created",
        Saved::Updated => "updated",
        Saved::Unchanged => "unchanged",
    };
    json!({
        "article": after.id,
        "owner": after.owner.to_string(),
        "saved": saved,
        "old_revision": before.map(|b| b.revision),
        "new_revision": after.revision,
        "title_changed": before.is_none_or(|b| b.title != after.title),
        "body_chars_before": before.map(|b| b.body.chars().count()),
        "body_chars_after": after.body.chars().count(),
    })
}

/// A slug from the title that no article the tenant sees uses yet (so a new article never
/// stands in for a shared one by accident).
async fn free_slug(cx: &mut Cx<'_>, title: &str) -> Result<String, StoreError> {
    let mut base: String = crate::kb::fold(&title.to_lowercase())
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    base = base
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    base.truncate(60);
    if base.is_empty() {
        base = "article".into();
    }
    let mut slug = base.clone();
    let mut n = 2;
    while cx.tx.article(reader(cx), &slug).await?.is_some() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}
