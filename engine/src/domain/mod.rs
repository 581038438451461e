//! Pure rules of the help desk: no I/O, no database, no chat platform.

mod account;
mod calendar;
mod ids;
mod level;
mod log;
mod priority;
mod role;
mod status;
mod text;
mod ticket;

pub use account::{AccountRole, UnknownRole};
pub use calendar::Calendar;
pub use ids::{
    BadTicketNumber, Person, RequesterType, Source, TenantId, TicketId, TicketNumber, Timestamp,
    UnknownRequesterType,
};
pub use level::{Level, UnknownLevel};
pub use log::{Author, LogEntry, LogKind};
pub use priority::{Grade, Impact, Priority, UnknownGrade, UnknownPriority, Urgency};
pub use role::{Access, Act, Refusal};
pub use status::{IllegalTransition, Status, UnknownStatus};
pub use text::{bounded_text, TextTooLong, Title, TitleError, TEXT_MAX_CHARS, TITLE_MAX_CHARS};
pub use ticket::{NewTicket, Reach, Ticket, TicketError};
