//! The knowledge base in chat: suggestions when a ticket opens ("This solved it" closes it as
//! self-service, "I still need help" goes on to the agents), and `/kb search|show|add|edit|
//! promote`. Everyone reads their tenant's articles and the shared ones; a tenant's agents
//! write its articles, installation admins the shared ones.

use super::card;
use super::context::{Cx, Ev};
use super::find;
use super::work::commit;
use crate::domain::{truncate_chars, Act, Author, LogKind, Status, Ticket, TicketNumber};
use crate::i18n::Msg;
use crate::kb::{Article, ArticleDraft, ArticleSource, KbLanguage, KbOwner};
use crate::store::{ArticleCounter, Saved, StoreError};
use helpdesk_chat::{Button, ButtonStyle, Form, FormFieldKind, RichMessage};
use serde_json::json;
use std::collections::BTreeMap;

/// Button and form ids of the knowledge base.
pub(crate) mod ids {
    pub const SOLVED: &str = "kb.solved";
    pub const UNHELPFUL: &str = "kb.unhelpful";
    pub const SHOW: &str = "kb.show";
    pub const SAVE: &str = "kb.save";
}

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
            cx.tell_msg(ev, Msg::KbSharedAdminsOnly, &[("slug", &article.slug)])
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
pub(crate) async fn suggest(cx: &mut Cx<'_>, ticket: &Ticket) -> Result<(), StoreError> {
    let Some(kb) = cx.kb else {
        return Ok(());
    };
    let text = format!("{} {}", ticket.title, ticket.description);
    let found = kb.suggest(reader(cx), &text, crate::kb::SUGGESTED_AT_INTAKE);
    if found.is_empty() {
        return Ok(());
    }
    let slugs: Vec<String> = found.iter().map(|s| s.slug.clone()).collect();
    let author = Author::System;
    cx.record(
        ticket,
        &author,
        vec![LogKind::KbSuggestionShown { articles: slugs }],
    )
    .await?;
    let intro = cx.t(Msg::SuggestionsIntro, &[]);
    card::to_requester(cx, ticket, RichMessage::text(intro)).await?;
    for s in found {
        let Some(article) = cx.tx.article(reader(cx), &s.slug).await? else {
            continue;
        };
        cx.tx
            .count_article(article.id, ArticleCounter::Shown)
            .await?;
        let value = format!("{}:{}", ticket.id.0, s.slug);
        let message = RichMessage {
            title: Some(truncate_chars(&article.title, cx.limits.title)),
            text: truncate_chars(&article.body, EXCERPT_CHARS.min(cx.limits.text)),
            buttons: vec![
                Button {
                    label: cx.t(Msg::ButtonArticleSolved, &[]),
                    action: ids::SOLVED.into(),
                    value: value.clone(),
                    style: ButtonStyle::Primary,
                },
                Button {
                    label: cx.t(Msg::ButtonArticleNotSolved, &[]),
                    action: ids::UNHELPFUL.into(),
                    value,
                    style: ButtonStyle::Normal,
                },
            ],
            context: Some(format!("kb {}", article.slug)),
            ..RichMessage::default()
        };
        card::to_requester(cx, ticket, message).await?;
    }
    Ok(())
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
    solved: bool,
    value: &str,
) -> Result<(), StoreError> {
    let Some(mut ticket) = find::by_id(cx, ev, value).await? else {
        return Ok(());
    };
    if !find::permitted(cx, ev, Act::Confirm, &ticket).await? {
        return Ok(());
    }
    let slug = value.split_once(':').map(|(_, s)| s).unwrap_or_default();
    // The slug comes from the client: only an article this tenant may see counts.
    let Some(article) = cx.tx.article(reader(cx), slug).await? else {
        tracing::warn!(slug, "button names no article of this tenant");
        return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
    };
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
        let text = cx.t(Msg::RequesterStillNeedsHelp, &[("number", &ticket.number)]);
        return card::to_requester(cx, &ticket, RichMessage::text(text)).await;
    }
    // Only an article suggested for this ticket, and only once, closes it as self-service.
    let deflected = log
        .iter()
        .any(|r| matches!(r.entry.kind, LogKind::Deflected { .. }));
    if !matches!(ticket.status, Status::New | Status::Open) || !suggested || deflected {
        return cx
            .tell_msg(ev, Msg::AlreadyAnswered, &[("number", &ticket.number)])
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
    commit(
        cx,
        &mut ticket,
        &ev.author(),
        kinds,
        "deflected",
        json!({ "article": slug }),
    )
    .await?;
    let text = cx.t(Msg::RequesterDeflected, &[("number", &ticket.number)]);
    card::to_requester(cx, &ticket, RichMessage::text(text)).await?;
    let text = cx.t(
        Msg::AgentsDeflected,
        &[("name", &ev.person.name), ("title", &article.title)],
    );
    card::to_agents(cx, &ticket, RichMessage::text(text)).await?;
    super::resolve::after_close(cx, &ticket).await
}

/// `/kb …`.
pub(crate) async fn command(cx: &mut Cx<'_>, ev: &Ev<'_>, args: &str) -> Result<(), StoreError> {
    let args = args.trim();
    let (name, rest) = match args.split_once(char::is_whitespace) {
        Some((n, r)) => (n.to_ascii_lowercase(), r.trim()),
        None => (args.to_ascii_lowercase(), ""),
    };
    let Some(kb) = cx.kb else {
        return cx.tell_msg(ev, Msg::KbUnavailable, &[]).await;
    };
    match name.as_str() {
        "search" | "find" if !rest.is_empty() => {
            let found = kb.search(reader(cx), rest, 5);
            if found.is_empty() {
                return cx.tell_msg(ev, Msg::KbNothingFound, &[]).await;
            }
            let lines: Vec<String> = found
                .iter()
                .map(|s| format!("{} · {}", s.slug, s.title))
                .collect();
            let label = cx.t(Msg::ButtonOpen, &[]);
            let buttons = found
                .iter()
                .map(|s| Button {
                    label: format!("{label} {}", truncate_chars(&s.slug, 40)),
                    action: ids::SHOW.into(),
                    value: s.slug.clone(),
                    style: ButtonStyle::Normal,
                })
                .collect();
            let message = RichMessage {
                title: Some(cx.t(Msg::KbResultsTitle, &[("count", &found.len())])),
                text: lines.join("\n"),
                buttons,
                ..RichMessage::default()
            };
            cx.tell(ev, message).await
        }
        "show" if !rest.is_empty() => show(cx, ev, rest).await,
        "add" | "new" | "edit" | "promote" if !may_write(cx, ev) => {
            cx.tell_msg(ev, Msg::RefusedAgentsOnly, &[]).await
        }
        "add" | "new" => {
            let form = article_form(
                cx,
                None,
                None,
                "",
                "",
                &[],
                KbLanguage::from(cx.settings.language),
            );
            super::buttons::open_form(cx, ev, form).await
        }
        "edit" if !rest.is_empty() => match cx.tx.article(reader(cx), rest).await? {
            Some(a) => {
                if !may_edit(cx, ev, &a).await? {
                    return Ok(());
                }
                let form = article_form(
                    cx,
                    Some(&a.slug),
                    None,
                    &a.title,
                    &a.body,
                    &a.tags,
                    a.language,
                );
                super::buttons::open_form(cx, ev, form).await
            }
            None => {
                cx.tell_msg(ev, Msg::KbNoSuchArticle, &[("slug", &rest)])
                    .await
            }
        },
        "promote" if !rest.is_empty() => promote(cx, ev, rest).await,
        _ => cx.tell_msg(ev, Msg::KbHelp, &[]).await,
    }
}

/// Shows one article to the person.
pub(crate) async fn show(cx: &mut Cx<'_>, ev: &Ev<'_>, slug: &str) -> Result<(), StoreError> {
    // Typed or from a button: either way only the tenant's own and shared articles are found.
    let Some(a) = cx.tx.article(reader(cx), slug).await? else {
        return cx
            .tell_msg(ev, Msg::KbNoSuchArticle, &[("slug", &slug)])
            .await;
    };
    let message = RichMessage {
        title: Some(truncate_chars(&a.title, cx.limits.title)),
        text: truncate_chars(&a.body, cx.limits.text),
        context: Some(format!("kb {} · r{}", a.slug, a.revision)),
        ..RichMessage::default()
    };
    cx.tell(ev, message).await
}

/// Drafts an article from a resolved ticket: the agent edits it in the form before it is saved.
async fn promote(cx: &mut Cx<'_>, ev: &Ev<'_>, number: &str) -> Result<(), StoreError> {
    let Ok(number) = number.parse::<TicketNumber>() else {
        return cx.tell_msg(ev, Msg::KbHelp, &[]).await;
    };
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
            .tell_msg(ev, Msg::KbNotResolved, &[("number", &ticket.number)])
            .await;
    };
    let problem = cx.t(Msg::KbProblemHeading, &[]);
    let fix = cx.t(Msg::KbResolutionHeading, &[]);
    let body = format!(
        "## {problem}\n\n{}\n\n## {fix}\n\n{resolution}",
        ticket.description
    );
    let tags: Vec<String> = ticket.category.iter().cloned().collect();
    let form = article_form(
        cx,
        None,
        Some(ticket.number),
        ticket.title.as_str(),
        &body,
        &tags,
        KbLanguage::from(cx.settings.language),
    );
    super::buttons::open_form(cx, ev, form).await
}

/// The add/edit/promote form. Its id says what to save: `kb.save`, `kb.save:SLUG` (edit) or
/// `kb.save#N` (from ticket N).
fn article_form(
    cx: &Cx<'_>,
    slug: Option<&str>,
    from: Option<TicketNumber>,
    title: &str,
    body: &str,
    tags: &[String],
    language: KbLanguage,
) -> Form {
    let field = |id: &str, label, kind, required, initial: &str| {
        cx.field(id, label, kind, required, Some(initial.to_string()))
    };
    let languages = FormFieldKind::Choice {
        options: KbLanguage::ALL
            .iter()
            .map(|l| (l.code().into(), l.code().into()))
            .collect(),
    };
    let id = match (slug, from) {
        (Some(slug), _) => format!("{}:{slug}", ids::SAVE),
        (None, Some(n)) => format!("{}#{}", ids::SAVE, n.0),
        (None, None) => ids::SAVE.to_string(),
    };
    let title_msg = if slug.is_some() {
        Msg::FormKbEditTitle
    } else {
        Msg::FormKbNewTitle
    };
    Form {
        id,
        title: cx.t(title_msg, &[]),
        fields: vec![
            field(
                "title",
                Msg::FieldTitle,
                FormFieldKind::ShortText,
                true,
                title,
            ),
            field("body", Msg::FieldBody, FormFieldKind::LongText, true, body),
            field(
                "tags",
                Msg::FieldTags,
                FormFieldKind::ShortText,
                false,
                &tags.join(", "),
            ),
            field(
                "language",
                Msg::FieldLanguage,
                languages,
                true,
                language.code(),
            ),
        ],
        submit: cx.t(Msg::FormSubmit, &[]),
    }
}

/// The article form came back: save (the tenant's agents, or admins for shared articles), then
/// the index takes it in after commit. The form id comes from the client: rights are checked
/// again here.
pub(crate) async fn save(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    form: &str,
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
    let rest = &form[ids::SAVE.len()..];
    let (owner, slug, source, before) = if let Some(slug) = rest.strip_prefix(':') {
        let Some(existing) = cx.tx.article(reader(cx), slug).await? else {
            return cx
                .tell_msg(ev, Msg::KbNoSuchArticle, &[("slug", &slug)])
                .await;
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
        let source = match rest.strip_prefix('#') {
            Some(n) => {
                let Ok(number) = n.parse::<TicketNumber>() else {
                    tracing::warn!(form, "article form names no ticket");
                    return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
                };
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
            None => ArticleSource::Written,
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
        return cx
            .tell_msg(ev, Msg::KbInvalid, &[("reason", &reason)])
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
        &[("slug", &article.slug), ("revision", &article.revision)],
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
