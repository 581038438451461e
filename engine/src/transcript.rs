//! A ticket's whole conversation as a file: Markdown, HTML or JSON. Internal notes are marked;
//! transcripts are written for people who may see the log, never served by URL. Labels and
//! dates are in the tenant's language.

use crate::config::Config;
use crate::domain::{Grade, LogKind, Status, Ticket};
use crate::i18n::{self, Arg, Language, Msg};
use crate::store::{LogRecord, TenantRecord};
use std::fmt::Write;

/// How a transcript is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TranscriptFormat {
    /// Markdown.
    Md,
    /// A standalone HTML page (every value escaped).
    Html,
    /// JSON: the ticket and its log entries.
    Json,
}

/// The language of the ticket's tenant as configured (English when it is not configured).
pub fn language_of(config: &Config, tenants: &[TenantRecord], ticket: &Ticket) -> Language {
    tenants
        .iter()
        .find(|t| t.id == ticket.tenant)
        .and_then(|t| {
            config
                .tenants
                .iter()
                .find(|c| c.platform == t.platform && c.id == t.external_id)
        })
        .map(|c| c.language)
        .unwrap_or_default()
}

/// The transcript of a ticket and its log, in `lang`.
pub fn render(
    ticket: &Ticket,
    log: &[LogRecord],
    format: TranscriptFormat,
    lang: Language,
) -> String {
    let w = Words(lang);
    match format {
        TranscriptFormat::Md => markdown(&w, ticket, log),
        TranscriptFormat::Html => html(&w, ticket, log),
        TranscriptFormat::Json => {
            let mut v = crate::view::ticket_json(ticket);
            v["attachments"] = serde_json::Value::Array(
                attachments(log)
                    .map(|f| {
                        serde_json::json!({
                            "name": f.name, "url": f.url, "size": f.size, "internal": f.internal,
                        })
                    })
                    .collect(),
            );
            v["log"] = serde_json::Value::Array(
                log.iter()
                    .map(|r| {
                        let mut e = serde_json::to_value(&r.entry).unwrap_or_default();
                        e["internal"] = serde_json::json!(r.entry.kind.is_internal());
                        e
                    })
                    .collect(),
            );
            serde_json::to_string_pretty(&v).unwrap_or_default()
        }
    }
}

/// The catalogue's words in one language.
struct Words(Language);

impl Words {
    fn t(&self, msg: Msg, args: &[(&str, Arg)]) -> String {
        i18n::text(self.0, msg, args)
    }

    /// A file as it is listed: its name, and its size when known ("error.png (1.2 MB)").
    fn file(&self, f: &Listed<'_>) -> String {
        match f.size {
            Some(bytes) => self.t(
                Msg::FileLabel,
                &[
                    ("name", Arg::text(f.name)),
                    ("size", Arg::Text(i18n::file_size(self.0, bytes))),
                ],
            ),
            None => f.name.to_string(),
        }
    }

    fn time(&self, at: &crate::domain::Timestamp, seconds: bool) -> String {
        i18n::date_time(self.0, at, seconds)
    }

    fn grade(&self, grade: Grade) -> String {
        self.t(
            match grade {
                Grade::Low => Msg::GradeLow,
                Grade::Medium => Msg::GradeMedium,
                Grade::High => Msg::GradeHigh,
            },
            &[],
        )
    }

    fn status(&self, status: Status) -> String {
        i18n::status_name(self.0, status)
    }

    fn heading(&self, t: &Ticket) -> String {
        self.t(
            Msg::TranscriptHeading,
            &[
                ("number", Arg::text(t.number)),
                ("title", Arg::text(t.title.as_str())),
            ],
        )
    }

    fn internal(&self) -> String {
        self.t(Msg::TranscriptInternal, &[])
    }
}

/// The header lines: what the ticket is and where it stands.
fn header(w: &Words, t: &Ticket) -> Vec<(String, String)> {
    let priority = w.t(
        Msg::TranscriptPriority,
        &[
            ("priority", Arg::text(t.priority())),
            ("urgency", Arg::text(w.grade(t.urgency))),
            ("impact", Arg::text(w.grade(t.impact))),
        ],
    );
    vec![
        (w.t(Msg::FieldRequester, &[]), t.requester.name.clone()),
        (w.t(Msg::FieldStatus, &[]), w.status(t.status)),
        (w.t(Msg::FieldPriority, &[]), priority),
        (
            w.t(Msg::FieldLevel, &[]),
            match &t.specialty {
                Some(s) => format!("{} ({s})", t.level),
                None => t.level.to_string(),
            },
        ),
        (
            w.t(Msg::FieldAssignee, &[]),
            t.assignee
                .as_ref()
                .map_or_else(|| w.t(Msg::Nobody, &[]), |a| a.name.clone()),
        ),
        (
            w.t(Msg::FieldCategory, &[]),
            t.category.clone().unwrap_or_else(|| "-".into()),
        ),
        (
            w.t(Msg::TranscriptOpened, &[]),
            w.time(&t.created_at, false),
        ),
        (
            w.t(Msg::TranscriptClosed, &[]),
            t.closed_at.map_or("-".into(), |c| w.time(&c, false)),
        ),
    ]
}

fn markdown(w: &Words, t: &Ticket, log: &[LogRecord]) -> String {
    let mut out = format!("# {}\n\n", w.heading(t));
    for (label, value) in header(w, t) {
        let _ = writeln!(out, "- **{label}:** {value}");
    }
    let internal = format!(" *({})*", w.internal());
    let _ = writeln!(out, "\n## {}\n", w.t(Msg::TranscriptConversation, &[]));
    for r in log {
        let e = &r.entry;
        let mark = if e.kind.is_internal() {
            internal.as_str()
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "**{}** · {}{mark}\n",
            w.time(&e.at, true),
            e.author.name()
        );
        for line in text_of(w, &e.kind).lines() {
            let _ = writeln!(out, "> {line}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## {}\n", w.t(Msg::TranscriptAttachments, &[]));
    let mut none = true;
    for f in attachments(log) {
        none = false;
        let mark = if f.internal { internal.as_str() } else { "" };
        let _ = writeln!(out, "- {} <{}>{mark}", w.file(&f), f.url);
    }
    if none {
        let _ = writeln!(out, "{}", w.t(Msg::TranscriptNoAttachments, &[]));
    }
    out
}

fn html(w: &Words, t: &Ticket, log: &[LogRecord]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <style>body{font-family:sans-serif;max-width:50em;margin:auto}\
         .internal{background:#fff4d6}.entry{margin:1em 0}.meta{color:#555;font-size:90%}</style>",
    );
    let heading = escape(&w.heading(t));
    let _ = write!(
        out,
        "<title>{heading}</title></head><body>\n<h1>{heading}</h1>\n<ul>\n"
    );
    for (label, value) in header(w, t) {
        let _ = writeln!(
            out,
            "<li><b>{}:</b> {}</li>",
            escape(&label),
            escape(&value)
        );
    }
    let _ = writeln!(
        out,
        "</ul>\n<h2>{}</h2>",
        escape(&w.t(Msg::TranscriptConversation, &[]))
    );
    let internal = format!(" ({})", escape(&w.internal()));
    for r in log {
        let e = &r.entry;
        let (class, mark) = if e.kind.is_internal() {
            ("entry internal", internal.as_str())
        } else {
            ("entry", "")
        };
        let _ = writeln!(
            out,
            "<div class=\"{class}\"><div class=\"meta\">{} · {}{mark}</div><div>{}</div></div>",
            escape(&w.time(&e.at, true)),
            escape(e.author.name()),
            escape(&text_of(w, &e.kind)).replace('\n', "<br>")
        );
    }
    let _ = writeln!(
        out,
        "<h2>{}</h2>",
        escape(&w.t(Msg::TranscriptAttachments, &[]))
    );
    let mut none = true;
    for f in attachments(log) {
        if none {
            out.push_str("<ul>\n");
            none = false;
        }
        let mark = if f.internal { internal.as_str() } else { "" };
        // Only web links become links: a `javascript:` URL stays text.
        let label = escape(&w.file(&f));
        let name = if f.url.starts_with("https://") || f.url.starts_with("http://") {
            format!("<a href=\"{}\">{label}</a>", escape(f.url))
        } else {
            format!("{label} ({})", escape(f.url))
        };
        let _ = writeln!(out, "<li>{name}{mark}</li>");
    }
    if none {
        let none = escape(&w.t(Msg::TranscriptNoAttachments, &[]));
        let _ = writeln!(out, "<p>{none}</p>");
    } else {
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// A file shared in the conversation, as the transcript lists it.
struct Listed<'a> {
    name: &'a str,
    url: &'a str,
    size: Option<u64>,
    internal: bool,
}

/// The files shared in the conversation, in order.
fn attachments(log: &[LogRecord]) -> impl Iterator<Item = Listed<'_>> {
    log.iter().filter_map(|r| match &r.entry.kind {
        LogKind::Attachment {
            name,
            url,
            size,
            internal,
        } => Some(Listed {
            name,
            url,
            size: *size,
            internal: *internal,
        }),
        _ => None,
    })
}

/// What an entry says: the words for messages and notes (the transcript marks internal
/// entries itself), the desk's description in the tenant's language for changes.
fn text_of(w: &Words, kind: &LogKind) -> String {
    match kind {
        LogKind::RequesterMessage { text }
        | LogKind::AgentReply { text }
        | LogKind::InternalNote { text } => text.clone(),
        other => i18n::describe(w.0, other),
    }
}

/// HTML-escapes text so that nothing in a ticket can add markup or script.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn html_is_escaped() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
