//! A ticket's whole conversation as a file: Markdown, HTML or JSON. Internal notes are marked;
//! transcripts are written for people who may see the log, never served by URL.

use crate::domain::{LogKind, Ticket};
use crate::store::LogRecord;
use crate::view::describe;
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

/// The transcript of a ticket and its log.
pub fn render(ticket: &Ticket, log: &[LogRecord], format: TranscriptFormat) -> String {
    match format {
        TranscriptFormat::Md => markdown(ticket, log),
        TranscriptFormat::Html => html(ticket, log),
        TranscriptFormat::Json => {
            let mut v = crate::view::ticket_json(ticket);
            v["attachments"] = serde_json::Value::Array(
                attachments(log)
                    .map(|f| serde_json::json!({"name": f.name, "url": f.url, "internal": f.internal}))
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

/// The header lines: what the ticket is and where it stands.
fn header(t: &Ticket) -> Vec<(&'static str, String)> {
    vec![
        ("Requester", t.requester.name.clone()),
        ("Status", t.status.to_string()),
        (
            "Priority",
            format!(
                "{} (urgency {}, impact {})",
                t.priority(),
                t.urgency,
                t.impact
            ),
        ),
        (
            "Level",
            match &t.specialty {
                Some(s) => format!("{} ({s})", t.level),
                None => t.level.to_string(),
            },
        ),
        (
            "Assignee",
            t.assignee
                .as_ref()
                .map_or("nobody".into(), |a| a.name.clone()),
        ),
        ("Category", t.category.clone().unwrap_or_else(|| "-".into())),
        (
            "Opened",
            t.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (
            "Closed",
            t.closed_at
                .map_or("-".into(), |c| c.format("%Y-%m-%d %H:%M UTC").to_string()),
        ),
    ]
}

fn markdown(t: &Ticket, log: &[LogRecord]) -> String {
    let mut out = format!("# Ticket {} — {}\n\n", t.number, t.title);
    for (label, value) in header(t) {
        let _ = writeln!(out, "- **{label}:** {value}");
    }
    let _ = writeln!(out, "\n## Conversation\n");
    for r in log {
        let e = &r.entry;
        let mark = if e.kind.is_internal() {
            " *(internal)*"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "**{}** · {}{mark}\n",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            e.author.name()
        );
        for line in text_of(&e.kind).lines() {
            let _ = writeln!(out, "> {line}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Attachments\n");
    let mut none = true;
    for f in attachments(log) {
        none = false;
        let mark = if f.internal { " *(internal)*" } else { "" };
        let _ = writeln!(out, "- {} <{}>{mark}", f.name, f.url);
    }
    if none {
        let _ = writeln!(out, "None recorded.");
    }
    out
}

fn html(t: &Ticket, log: &[LogRecord]) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
         <style>body{font-family:sans-serif;max-width:50em;margin:auto}\
         .internal{background:#fff4d6}.entry{margin:1em 0}.meta{color:#555;font-size:90%}</style>",
    );
    let _ = write!(
        out,
        "<title>Ticket {} — {}</title></head><body>\n<h1>Ticket {} — {}</h1>\n<ul>\n",
        escape(&t.number.to_string()),
        escape(t.title.as_str()),
        escape(&t.number.to_string()),
        escape(t.title.as_str())
    );
    for (label, value) in header(t) {
        let _ = writeln!(out, "<li><b>{label}:</b> {}</li>", escape(&value));
    }
    out.push_str("</ul>\n<h2>Conversation</h2>\n");
    for r in log {
        let e = &r.entry;
        let (class, mark) = if e.kind.is_internal() {
            ("entry internal", " (internal)")
        } else {
            ("entry", "")
        };
        let _ = writeln!(
            out,
            "<div class=\"{class}\"><div class=\"meta\">{} · {}{mark}</div><div>{}</div></div>",
            e.at.format("%Y-%m-%d %H:%M:%S UTC"),
            escape(e.author.name()),
            escape(&text_of(&e.kind)).replace('\n', "<br>")
        );
    }
    out.push_str("<h2>Attachments</h2>\n");
    let mut none = true;
    for f in attachments(log) {
        if none {
            out.push_str("<ul>\n");
            none = false;
        }
        let mark = if f.internal { " (internal)" } else { "" };
        // Only web links become links: a `javascript:` URL stays text.
        let name = if f.url.starts_with("https://") || f.url.starts_with("http://") {
            format!("<a href=\"{}\">{}</a>", escape(f.url), escape(f.name))
        } else {
            format!("{} ({})", escape(f.name), escape(f.url))
        };
        let _ = writeln!(out, "<li>{name}{mark}</li>");
    }
    out.push_str(if none {
        "<p>None recorded.</p>\n"
    } else {
        "</ul>\n"
    });
    out.push_str("</body></html>\n");
    out
}

/// A file shared in the conversation, as the transcript lists it.
struct Listed<'a> {
    name: &'a str,
    url: &'a str,
    internal: bool,
}

/// The files shared in the conversation, in order.
fn attachments(log: &[LogRecord]) -> impl Iterator<Item = Listed<'_>> {
    log.iter().filter_map(|r| match &r.entry.kind {
        LogKind::Attachment {
            name,
            url,
            internal,
        } => Some(Listed {
            name,
            url,
            internal: *internal,
        }),
        _ => None,
    })
}

/// What an entry says: the words for messages, a description for changes.
fn text_of(kind: &LogKind) -> String {
    match kind {
        LogKind::RequesterMessage { text }
        | LogKind::AgentReply { text }
        | LogKind::InternalNote { text } => text.clone(),
        other => describe(other),
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
