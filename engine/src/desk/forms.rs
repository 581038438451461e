//! The forms the desk opens, built in one place: the new-ticket form, a ticket's escalate,
//! resolve, priority and note forms, the comment after a rating, and the article form. Each
//! comes back under its [`FormId`]; what a submission does is the use cases' business.

use super::context::{Cx, Ev};
use super::keys::{ArticleForm, ArticleId, FormId, TicketForm};
use crate::domain::{Grade, Level, Ticket, TicketNumber};
use crate::i18n::{Arg, Msg};
use crate::kb::KbLanguage;
use crate::store::StoreError;
use helpdesk_chat::{Form, FormField, FormFieldKind};

/// Opens the form `build` makes, written in the person's language, if the platform gave a
/// trigger; otherwise says which command does the same.
pub(crate) async fn open(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    build: impl FnOnce(&Cx<'_>) -> Form,
) -> Result<(), StoreError> {
    let lang = cx.sender_language(ev).await?;
    let form = cx.in_language(lang, build);
    match ev.form_action(form) {
        Some(action) => cx.send(None, action).await,
        None => cx.tell_msg(ev, Msg::UseTheCommand, &[]).await,
    }
}

/// A grade as people read it.
pub(crate) fn grade_name(cx: &Cx<'_>, grade: Grade) -> String {
    let msg = match grade {
        Grade::Low => Msg::GradeLow,
        Grade::Medium => Msg::GradeMedium,
        Grade::High => Msg::GradeHigh,
    };
    cx.t(msg, &[])
}

/// The three grades as a choice, in the tenant's language.
fn grades(cx: &Cx<'_>) -> FormFieldKind {
    FormFieldKind::Choice {
        options: Grade::ALL
            .iter()
            .map(|g| (g.as_str().to_string(), grade_name(cx, *g)))
            .collect(),
    }
}

/// A form under `id` with the catalogue's submit label.
fn form(cx: &Cx<'_>, id: FormId, title: String, fields: Vec<FormField>) -> Form {
    Form {
        id: id.to_string(),
        title,
        fields,
        submit: cx.t(Msg::FormSubmit, &[]),
    }
}

/// The new-ticket form: title, description, category, urgency, impact.
pub(crate) fn new_ticket(cx: &Cx<'_>, title: Option<&str>) -> Form {
    let field =
        |id: &str, label, kind, required, initial| cx.field(id, label, kind, required, initial);
    let categories = FormFieldKind::Choice {
        options: cx
            .settings
            .categories
            .iter()
            .map(|c| (c.clone(), c.clone()))
            .collect(),
    };
    let fields = vec![
        field(
            "title",
            Msg::FieldTitle,
            FormFieldKind::ShortText,
            true,
            title.map(String::from),
        ),
        field(
            "description",
            Msg::FieldDescription,
            FormFieldKind::LongText,
            true,
            None,
        ),
        field("category", Msg::FieldCategory, categories, false, None),
        field(
            "urgency",
            Msg::FieldUrgency,
            grades(cx),
            true,
            Some("medium".into()),
        ),
        field(
            "impact",
            Msg::FieldImpact,
            grades(cx),
            true,
            Some("low".into()),
        ),
    ];
    form(cx, FormId::NewTicket, cx.t(Msg::FormNewTitle, &[]), fields)
}

/// The escalate, resolve, priority or note form for a ticket.
pub(crate) fn ticket(cx: &Cx<'_>, which: TicketForm, ticket: &Ticket) -> Form {
    let field =
        |id: &str, label, kind, required, initial| cx.field(id, label, kind, required, initial);
    let (title, fields) = match which {
        TicketForm::Escalate => {
            let levels = Level::ALL
                .iter()
                .filter(|l| **l > ticket.level)
                .map(|l| (l.as_str().to_string(), l.as_str().to_string()))
                .collect();
            let mut fields = vec![field(
                "level",
                Msg::FieldLevel,
                FormFieldKind::Choice { options: levels },
                false,
                ticket.level.next().map(|l| l.as_str().to_string()),
            )];
            if !cx.settings.specialties.is_empty() {
                let options = cx
                    .settings
                    .specialties
                    .iter()
                    .map(|s| (s.name.clone(), s.name.clone()))
                    .collect();
                fields.push(field(
                    "specialty",
                    Msg::FieldSpecialty,
                    FormFieldKind::Choice { options },
                    false,
                    None,
                ));
            }
            fields.push(field(
                "reason",
                Msg::FieldReason,
                FormFieldKind::LongText,
                true,
                None,
            ));
            (Msg::FormEscalateTitle, fields)
        }
        TicketForm::Resolve => (
            Msg::FormResolveTitle,
            vec![field(
                "resolution",
                Msg::FieldResolution,
                FormFieldKind::LongText,
                true,
                None,
            )],
        ),
        TicketForm::Priority => (
            Msg::FormPriorityTitle,
            vec![
                field(
                    "urgency",
                    Msg::FieldUrgency,
                    grades(cx),
                    true,
                    Some(ticket.urgency.as_str().into()),
                ),
                field(
                    "impact",
                    Msg::FieldImpact,
                    grades(cx),
                    true,
                    Some(ticket.impact.as_str().into()),
                ),
            ],
        ),
        TicketForm::Note => (
            Msg::FormNoteTitle,
            vec![field(
                "note",
                Msg::FieldNote,
                FormFieldKind::LongText,
                true,
                None,
            )],
        ),
    };
    let title = cx.t(title, &[("number", Arg::text(ticket.number))]);
    form(cx, FormId::Ticket(which, ticket.id), title, fields)
}

/// The optional comment after a rating.
pub(crate) fn comment(cx: &Cx<'_>, ticket: &Ticket) -> Form {
    let fields = vec![cx.field(
        "comment",
        Msg::FieldComment,
        FormFieldKind::LongText,
        false,
        None,
    )];
    let title = cx.t(Msg::FeedbackFormTitle, &[]);
    form(cx, FormId::Comment(ticket.id), title, fields)
}

/// What an article form starts from.
pub(crate) struct ArticleStart<'a> {
    /// The article being edited (`None`: a new one).
    pub editing: Option<ArticleId>,
    /// The resolved ticket a new article is drafted from.
    pub from: Option<TicketNumber>,
    /// The title so far.
    pub title: &'a str,
    /// The body so far.
    pub body: &'a str,
    /// The tags so far.
    pub tags: &'a [String],
    /// The article's language.
    pub language: KbLanguage,
}

/// The add/edit/promote article form; its id says what to save.
pub(crate) fn article(cx: &Cx<'_>, start: ArticleStart<'_>) -> Form {
    let field = |id: &str, label, kind, required, initial: &str| {
        cx.field(id, label, kind, required, Some(initial.to_string()))
    };
    let languages = FormFieldKind::Choice {
        options: KbLanguage::ALL
            .iter()
            .map(|l| (l.code().into(), l.code().into()))
            .collect(),
    };
    let id = match (start.editing, start.from) {
        (Some(article), _) => ArticleForm::Edit(article),
        (None, Some(number)) => ArticleForm::Promote(number),
        (None, None) => ArticleForm::New,
    };
    let title = if start.editing.is_some() {
        Msg::FormKbEditTitle
    } else {
        Msg::FormKbNewTitle
    };
    let fields = vec![
        field(
            "title",
            Msg::FieldTitle,
            FormFieldKind::ShortText,
            true,
            start.title,
        ),
        field(
            "body",
            Msg::FieldBody,
            FormFieldKind::LongText,
            true,
            start.body,
        ),
        field(
            "tags",
            Msg::FieldTags,
            FormFieldKind::ShortText,
            false,
            &start.tags.join(", "),
        ),
        field(
            "language",
            Msg::FieldLanguage,
            languages,
            true,
            start.language.code(),
        ),
    ];
    form(cx, FormId::Article(id), cx.t(title, &[]), fields)
}
