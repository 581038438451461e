### Polski. Każdy identyfikator z src/i18n/messages.rs; desk wypełnia { $zmienne }, liczby jako
### liczby, więc selektory liczby mnogiej (one / few / many / other) wybierają właściwą formę.
### Zwykły tekst: adaptery go neutralizują, więc nic tu napisanego nikogo nie oznaczy.
### Forma grzecznościowa lub bezosobowa, jak w polskich działach wsparcia.

agents_answered_requester = { $name } – odpowiedź dla osoby zgłaszającej: { $text }
agents_arrived = Przekazano do { $level }. Powód: { $reason }
agents_assigned = Zgłoszenie zostało Panu/Pani przypisane przez: { $by }.
agents_sent_back = Odesłano do { $level }. Powód: { $reason }
agents_claimed = { $name } przejmuje to zgłoszenie.
agents_confirmed = { $name } potwierdza, że problem został rozwiązany. Zamknięte.
agents_from_requester = { $name }: { $text }
agents_not_solved = { $name } zgłasza, że problem nie został jeszcze rozwiązany: zgłoszenie jest ponownie otwarte.
agents_note = Notatka ({ $name }): { $text }
agents_priority = { $name } ustawia priorytet { $priority }.
agents_reopened = { $name } ponownie otwiera to zgłoszenie.
agents_unclaimed = { $name } odkłada to zgłoszenie z powrotem do kolejki.
already_a_ticket = Ta wiadomość jest już zgłoszeniem { $number }.
already_answered = Zgłoszenie { $number } nie czeka już na odpowiedź.
already_claimed = Zgłoszenie { $number } zostało już przejęte przez: { $name }.
already_yours = Zgłoszenie { $number } jest już przypisane do Pana/Pani.
assign_not_agent = { $name } nie może przejąć zgłoszenia { $number }: ta osoba nie jest konsultantem uprawnionym do pracy na poziomie { $level }.
assign_unverified = Nie udało się teraz sprawdzić ról osoby { $name }, więc zgłoszenie { $number } nie zostało przypisane. Prosimy spróbować ponownie za minutę.
audit_empty = Brak pasujących wpisów w dzienniku audytu.
audit_line = { $at } · { $actor } · { $action } { $target }
audit_title = Dziennik audytu: { $count ->
        [one] { $count } wpis
        [few] { $count } wpisy
        [many] { $count } wpisów
       *[other] { $count } wpisu
    }
audit_usage = /helpdesk audit [#numer] [@osoba] [dni]
bad_level = Zgłoszenie { $number } jest na poziomie { $level }: nie można go w ten sposób przenieść do { $to }.
bad_usage = To polecenie wymaga innych argumentów. Użycie: { $usage }
budget_reason = minął czas przewidziany dla { $level } ({ $budget })
button_claim = Przejmij
button_escalate = Eskaluj
button_not_solved = Nadal potrzebuję pomocy
button_note = Notatka
button_priority = Priorytet
button_resolve = Rozwiąż
button_solved = Tak, rozwiązane
card_moved = Przeniesiono do { $level }: dalsza obsługa odbywa się tam.
closed = Zgłoszenie { $number } zostało zamknięte przez: { $name }.
default_title = Prośba o pomoc
command_helpdesk_audit = Kto co zrobił, od najnowszych (kierownicy)
command_option_actor = Tylko działania tej osoby
escalate_needs_reason = Prosimy podać, dlaczego zgłoszenie { $number } wymaga wyższego poziomu, np. /ticket escalate L2 potrzebna wizyta na miejscu
field_assignee = Osoba przypisana
field_category = Kategoria
field_description = Opis
field_due = Termin na poziomie
field_impact = Wpływ
field_level = Poziom
field_note = Notatka
field_priority = Priorytet
field_reason = Powód
field_requester = Zgłaszający
field_resolution = Rozwiązanie
field_similar = Podobne rozwiązane zgłoszenia
field_specialty = Specjalizacja
field_status = Status
field_title = Tytuł
field_urgency = Pilność
form_escalate_title = Eskaluj { $number }
form_new_title = Nowe zgłoszenie
form_note_title = Notatka do { $number }
form_priority_title = Priorytet { $number }
form_resolve_title = Rozwiąż { $number }
form_submit = Wyślij
grade_high = Wysoka
grade_low = Niska
grade_medium = Średnia
grade_words_low = niska, niski
grade_words_medium = średnia, średni
grade_words_high = wysoka, wysoki
help_hint = W wątku zgłoszenia numer jest domyślny. Osobom zgłaszającym wystarczy pisać we własnym wątku.
help_title = Polecenia help desku
hold_note = Wstrzymane: { $reason }
limit_new_tickets = W ciągu ostatniej godziny otwarto już { $count ->
        [one] { $count } zgłoszenie
        [few] { $count } zgłoszenia
        [many] { $count } zgłoszeń
       *[other] { $count } zgłoszenia
    }, czyli najwięcej, ile można. Kolejne będzie można otworzyć od { $time }; w międzyczasie można pisać w otwartym zgłoszeniu.
limit_open_tickets =
    { $count ->
        [one] Jest już { $count } otwarte zgłoszenie ({ $numbers }). Prosimy kontynuować w nim albo je zamknąć, jeśli nie jest już potrzebne, przed otwarciem kolejnego.
        [few] Są już { $count } otwarte zgłoszenia ({ $numbers }). Prosimy kontynuować w jednym z nich albo zamknąć to, które nie jest już potrzebne, przed otwarciem kolejnego.
        [many] Jest już { $count } otwartych zgłoszeń ({ $numbers }). Prosimy kontynuować w jednym z nich albo zamknąć to, które nie jest już potrzebne, przed otwarciem kolejnego.
       *[other] Jest już { $count } otwartego zgłoszenia ({ $numbers }). Prosimy kontynuować w jednym z nich albo zamknąć to, które nie jest już potrzebne, przed otwarciem kolejnego.
    }
limit_others_open = Osoba { $name } ma już zbyt wiele otwartych zgłoszeń, więc z tej wiadomości nie utworzono kolejnego. Może kontynuować w jednym ze swoich otwartych zgłoszeń.
list_empty = Brak zgłoszeń do wyświetlenia.
list_title =
    { $count ->
        [one] { $count } zgłoszenie
        [few] { $count } zgłoszenia
        [many] { $count } zgłoszeń
       *[other] { $count } zgłoszenia
    }
log_assignment = przypisano do: { $name }
log_level = przeniesiono z { $from } do { $to }: { $reason }
log_note = (wewnętrzna) { $text }
log_priority = priorytet { $from } → { $to }
log_resolution = rozwiązanie: { $text }
log_status = status { $from } → { $to }
log_suggestions =
    { $count ->
        [one] zaproponowano { $count } artykuł
        [few] zaproponowano { $count } artykuły
        [many] zaproponowano { $count } artykułów
       *[other] zaproponowano { $count } artykułu
    }
managers_alert = Uwaga: zgłoszenie { $number } ({ $title }) wymaga sprawdzenia: { $reason }.
no_channel_for_level = Dla poziomu { $level } nie skonfigurowano kanału, więc nikt tam nie zobaczyłby zgłoszenia. Prosimy zwrócić się do administratora o konfigurację (tenants.levels, specialties).
no_further_level = Nie ma poziomu wyższego niż { $level }.
no_such_ticket = Nie ma zgłoszenia { $number }. Numer można sprawdzić poleceniem /ticket list.
nobody = nikt
not_claimed = Zgłoszenie { $number } nie zostało przez nikogo przejęte.
not_now = Zgłoszenie { $number } ma status „{ $status }”: teraz nie jest to możliwe.
note_needs_text = Prosimy wpisać treść notatki po poleceniu, np. /ticket note zadzwoniono do dostawcy
nothing_changed = W zgłoszeniu { $number } nic się nie zmieniło.
priority_capped = Otwierane zgłoszenia zaczynają najwyżej od priorytetu { $priority }; w razie potrzeby konsultant go podniesie.
reason_required = Prosimy podać powód.
refused_above_level = Zgłoszenie { $number } jest na poziomie { $level }, wyższym niż Pana/Pani poziom wsparcia. Prosimy zwrócić się do kierownika lub konsultanta z tego poziomu.
refused_agents_only = Tylko konsultanci help desku mogą to zrobić.
refused_managers_only = Tylko kierownicy help desku mogą to zrobić.
refused_not_yours = Zgłoszenie { $number } należy do innej osoby: można wyświetlać i zmieniać tylko własne zgłoszenia.
refused_other_team = Zgłoszenie { $number } obsługuje inny zespół ({ $level }): nie można go wyświetlić ani zmienić.
relay_closed = Zgłoszenie { $number } jest zamknięte: nic nie zostanie wysłane do osoby zgłaszającej. Wiadomość zachowano jako notatkę wewnętrzną.
relay_not_agent = W tym wątku piszą tylko konsultanci help desku: wiadomość nie została dodana do zgłoszenia { $number }.
relay_not_allowed = Brak uprawnień do obsługi zgłoszenia { $number } na poziomie { $level }: wiadomość zachowano jako notatkę wewnętrzną i nie wysłano jej do osoby zgłaszającej.
relay_retired_card = Ta karta jest już nieaktualna: zgłoszenie { $number } jest teraz obsługiwane na poziomie { $level }. Wiadomość zachowano jako notatkę wewnętrzną i nie wysłano jej do osoby zgłaszającej.
requester_claimed = { $name } zajmuje się teraz Pana/Pani zgłoszeniem { $number }.
requester_closed_no_answer = Zgłoszenie { $number } zostało zamknięte z powodu braku odpowiedzi. Jeśli pomoc jest nadal potrzebna, prosimy otworzyć je ponownie.
requester_closed_pending = Zgłoszenie { $number } zostało zamknięte, ponieważ czekaliśmy na Pana/Pani odpowiedź. Jeśli pomoc jest nadal potrzebna, prosimy otworzyć je ponownie.
requester_from_agent = { $name }, help desk
requester_moved_level = Pana/Pani zgłoszenie { $number } zostało przekazane do wsparcia { $level }.
requester_on_hold = Zgłoszenie { $number } jest wstrzymane do czasu odpowiedzi dostawcy. Damy znać w tym wątku, gdy sprawa ruszy dalej.
requester_opened = Zgłoszenie { $number } zostało otwarte (priorytet { $priority }). Konsultant { $level } odpowie w tym wątku.
requester_opened_hint = Szczegóły można dopisać w tym wątku: każda wiadomość trafia do konsultantów.
requester_pending = Zgłoszenie { $number } czeka na Pana/Pani odpowiedź: prosimy odpowiedzieć w tym wątku. Bez odpowiedzi zostanie zamknięte { $when }.
requester_reopened = Zgłoszenie { $number } jest ponownie otwarte: zajmujemy się nim.
requester_resolved_ask = Czy to rozwiązało problem? Bez odpowiedzi zgłoszenie zostanie zamknięte { $when }.
requester_resolved_title = Zgłoszenie { $number } zostało rozwiązane
requester_thanks_closed = Dziękujemy! Zgłoszenie { $number } zostało zamknięte.
resolve_needs_text = Prosimy wpisać, co rozwiązało problem, np. /ticket resolve ponownie uruchomiono klienta VPN
stale_button = Ten przycisk lub formularz nie odpowiada już żadnemu zgłoszeniu. Prosimy użyć /ticket show.
status_closed = Zamknięte
status_new = Nowe
status_on_hold = Wstrzymane
status_open = Otwarte
status_pending = Oczekuje na zgłaszającego
status_resolved = Rozwiązane
text_cut =
    { $max ->
        [one] Wiadomość była dłuższa niż { $max } znak: zachowano pierwszy.
        [few] Wiadomość była dłuższa niż { $max } znaki: zachowano pierwsze { $max }.
        [many] Wiadomość była dłuższa niż { $max } znaków: zachowano pierwszych { $max }.
       *[other] Wiadomość była dłuższa niż { $max } znaku: zachowano pierwsze { $max }.
    }
ticket_is_closed = Zgłoszenie { $number } jest zamknięte, więc ta wiadomość nie trafiła do konsultantów. Jeśli problem wrócił, prosimy otworzyć je ponownie; w innej sprawie prosimy otworzyć nowe zgłoszenie.
unknown_command = Help desk nie zna polecenia /{ $name }. Prosimy spróbować /ticket help.
unknown_subcommand = Help desk nie zna polecenia „{ $name }”. Prosimy spróbować /ticket help.
usage_assign = /ticket assign [#N] @osoba: przekaż zgłoszenie innej osobie
usage_claim = /ticket claim [#N]: przejmij zgłoszenie
usage_close = /ticket close [#N]: zamknij ostatecznie
usage_deescalate = /ticket deescalate [#N] powód: z powrotem na niższy poziom
usage_escalate = /ticket escalate [#N] [L2|L3] [specjalizacja] powód: na wyższy poziom
usage_help = /ticket help: ta lista
usage_hold = /ticket hold [#N] powód: czekaj na dostawcę
usage_list = /ticket list [mine|queue|level|all]: lista zgłoszeń
usage_new = /ticket new [tytuł]: otwórz zgłoszenie (bez tytułu: formularz)
usage_note = /ticket note [#N] tekst: notatka wewnętrzna, nigdy niepokazywana zgłaszającemu
usage_pending = /ticket pending [#N]: czekaj na zgłaszającego
usage_priority = /ticket priority [#N] pilność wpływ: każde low, medium lub high (niska, średnia, wysoka)
usage_reopen = /ticket reopen [#N]: otwórz ponownie
usage_resolve = /ticket resolve [#N] rozwiązanie: poproś zgłaszającego o potwierdzenie
usage_resume = /ticket resume [#N]: wznów pracę po oczekiwaniu lub wstrzymaniu
usage_show = /ticket show [#N]: zgłoszenie i jego najnowsze wpisy
usage_unclaim = /ticket unclaim [#N]: z powrotem do kolejki
use_the_command = Potrzebny jest formularz, którego ta aplikacja czatu nie może tu otworzyć: prosimy użyć polecenia /ticket (/ticket help).
which_specialty = Która specjalizacja L3? Prosimy dodać jedną z: { $specialties }
which_ticket = Które zgłoszenie? Prosimy dodać jego numer, np. #42, albo użyć polecenia w wątku zgłoszenia.

## Baza wiedzy
agents_deflected = { $name } – rozwiązane dzięki artykułowi „{ $title }”. Zamknięte bez udziału konsultanta.
button_article_not_solved = Nadal potrzebuję pomocy
button_article_solved = To rozwiązało problem
button_open = Otwórz
field_body = Treść (Markdown)
field_language = Język
field_tags = Tagi, oddzielone przecinkami
form_kb_edit_title = Edytuj artykuł
form_kb_new_title = Nowy artykuł
kb_help = Baza wiedzy: /kb search słowa · /kb show id · /kb add · /kb edit id · /kb promote #N (piszą konsultanci, czytają wszyscy)
kb_invalid = Artykuł nie został zapisany: { $reason }.
kb_no_such_article = Nie ma tu artykułu { $slug }. Prosimy spróbować /kb search.
kb_not_resolved = Zgłoszenie { $number } nie ma jeszcze rozwiązania: najpierw należy je rozwiązać, potem przekształcić w artykuł.
kb_nothing_found = Nic nie znaleziono w bazie wiedzy. Prosimy spróbować innych słów albo otworzyć zgłoszenie poleceniem /ticket new.
kb_problem_heading = Problem
kb_resolution_heading = Rozwiązanie
kb_results_title =
    { $count ->
        [one] { $count } artykuł
        [few] { $count } artykuły
        [many] { $count } artykułów
       *[other] { $count } artykułu
    }
kb_saved = Artykuł { $slug } zapisany (wersja { $revision }).
kb_shared_admins_only = Artykuł { $slug } jest wspólny dla całej instalacji: mogą go edytować tylko administratorzy instalacji. Własny artykuł można napisać poleceniem /kb add.
kb_unavailable = Baza wiedzy jest w tej chwili niedostępna.
log_attachment = dodano załącznik { $name }
log_requester_direct = rozmowa przeniosła się do wiadomości bezpośrednich zgłaszającego
log_requester_unreachable = ze zgłaszającym nie można się skontaktować na czacie
requester_moved_to_direct = Nie mogę odpisać tam, gdzie poproszono o pomoc, więc zgłoszenie { $number } prowadzimy tutaj. Wystarczy odpowiedzieć tutaj: konsultanci to przeczytają.
agents_requester_moved_to_direct = Zgłoszenie { $number }: bot nie może już pisać tam, gdzie zgłaszający poprosił o pomoc, więc rozmowa toczy się w jego wiadomościach bezpośrednich.
agents_requester_unreachable = Zgłoszenie { $number }: z { $name } nie można się skontaktować na czacie (bot nie może pisać ani tam, gdzie poproszono o pomoc, ani w wiadomościach bezpośrednich). Prosimy o kontakt w inny sposób; poniżej to, co nie dotarło.
agents_undelivered = Nie dostarczono zgłaszającemu: { $text }
card_requester_direct = { $name } (w wiadomościach bezpośrednich)
card_requester_unreachable = { $name } ⚠ brak kontaktu na czacie
log_deflected = rozwiązane artykułem { $article } (samoobsługa)
requester_deflected = Cieszymy się, że pomogło! Zgłoszenie { $number } zostało zamknięte. Jeśli problem wróci, prosimy napisać tutaj.
requester_still_needs_help = Dziękujemy za informację. Konsultant odpowie na zgłoszenie { $number } w tym wątku.
suggestions_intro = W oczekiwaniu na konsultanta warto zajrzeć do tych artykułów, być może zawierają odpowiedź:

## Poziomy usług
field_sla = SLA
sla_first_response = pierwsza odpowiedź
sla_resolution = rozwiązanie
sla_warning = Zgłoszenie { $number }: wykorzystano większość czasu docelowego na etap „{ $what }” ({ $target }).
sla_breach_reason = przekroczono czas docelowy ({ $target }) na etap „{ $what }”
sla_breached = przekroczony
sla_at_risk = zagrożony
sla_on_track = w terminie
sla_paused = wstrzymany na czas oczekiwania na zgłaszającego
sla_line = { $what }: termin { $due } · { $state }

## Raporty
stats_usage = Użycie: /helpdesk stats [7d|30d|24h] (kierownicy)
stats_title = Help desk, ostatnie { $period }

## Zadowolenie
feedback_ask = Jak ocenia Pan/Pani obsługę zgłoszenia { $number }? Prosimy o ocenę od 1 do 5 gwiazdek.
feedback_already = Dziękujemy, zgłoszenie { $number } zostało już ocenione.
feedback_low_reason = osoba zgłaszająca oceniła pomoc na { $score }/5
feedback_form_title = Czy chce Pan/Pani coś dodać?
feedback_thanks = Dziękujemy za opinię!
field_comment = Komentarz (opcjonalnie)
log_rated = ocena pomocy: { $score }/5
transcript_title = Zapis zgłoszenia { $number }
transcript_hint = Pełny zapis: helpdesk ticket export { $number } --format md|html|json
stats_volumes = Otwarto { $opened ->
        [one] { $opened } zgłoszenie
        [few] { $opened } zgłoszenia
        [many] { $opened } zgłoszeń
       *[other] { $opened } zgłoszenia
    } · zamknięto { $closed }
stats_times = Pierwsza odpowiedź p50 { $fr50 } · p90 { $fr90 } · rozwiązanie p50 { $r50 } · p90 { $r90 }
stats_rates = Zgodność z SLA { $sla } · eskalowane do L2 { $l2 } · do L3 { $l3 } · rozwiązane przez bazę wiedzy { $deflection }
stats_satisfaction = Zadowolenie { $score } / 5 ({ $count ->
        [one] { $count } ocena
        [few] { $count } oceny
        [many] { $count } ocen
       *[other] { $count } oceny
    })

## App Home: osobista strona bota
home_title = Help desk
home_intro = O pomoc można poprosić przyciskiem poniżej, poleceniem /ticket new lub pisząc wiadomość tutaj.
home_asked = Moje prośby ({ $count })
home_held = Przypisane do mnie ({ $count })
home_queue = Oczekujące w mojej kolejce ({ $count })
interaction_received = Przyjęte: help desk już się tym zajmuje.
desk_unavailable = Przepraszamy, help desk nie może teraz tego przyjąć. Prosimy spróbować ponownie za minutę.
desk_not_set_up = Help desk nie jest skonfigurowany w tym obszarze roboczym ani na tym serwerze. Prosimy zwrócić się do administratora o konfigurację.
dm_not_member = Przepraszamy, pisać tutaj mogą tylko członkowie serwera obsługiwanego przez ten help desk. Prosimy skorzystać z help desku własnej organizacji.
discord_commands_handled = Ten bot obsługuje /ticket, /kb i /helpdesk.

## Wybór poleceń Discorda: opisy (do 100 znaków) i nazwa polecenia wiadomości (do 32 znaków).
command_ticket = Zgłoszenia help desku
command_kb = Baza wiedzy
command_helpdesk = Raporty help desku
discord_create_ticket = Utwórz zgłoszenie
command_ticket_new = Otwórz zgłoszenie (bez tytułu: formularz)
command_ticket_claim = Przejmij zgłoszenie
command_ticket_unclaim = Z powrotem do kolejki
command_ticket_assign = Przekaż zgłoszenie innej osobie
command_ticket_escalate = Na wyższy poziom
command_ticket_deescalate = Z powrotem na niższy poziom
command_ticket_priority = Ustaw pilność i wpływ
command_ticket_pending = Czekaj na zgłaszającego
command_ticket_hold = Czekaj na dostawcę
command_ticket_resume = Wznów pracę
command_ticket_resolve = Poproś zgłaszającego o potwierdzenie rozwiązania
command_ticket_reopen = Otwórz ponownie
command_ticket_close = Zamknij ostatecznie
command_ticket_note = Notatka wewnętrzna, nigdy niepokazywana zgłaszającemu
command_ticket_show = Zgłoszenie i jego najnowsze wpisy
command_ticket_list = Lista zgłoszeń
command_ticket_help = Co potrafi help desk
command_kb_search = Szukaj w bazie wiedzy
command_kb_show = Pokaż artykuł
command_kb_add = Napisz artykuł (konsultanci)
command_kb_edit = Edytuj artykuł (konsultanci)
command_kb_promote = Szkic artykułu z rozwiązanego zgłoszenia (konsultanci)
command_helpdesk_stats = Liczby za wybrany okres (kierownicy)
command_option_ticket = Numer zgłoszenia (domyślnie: zgłoszenie z tego wątku)
command_option_ticket_required = Numer zgłoszenia
command_option_title = Na czym polega problem
command_option_person = Kto je przejmuje
command_option_reason = Dlaczego
command_option_level = Który poziom
command_option_specialty = Specjalizacja L3
command_option_urgency = Jak pilne
command_option_impact = Ilu osób dotyczy
command_option_resolution = Rozwiązanie
command_option_note = Notatka
command_option_scope = Które zgłoszenia
command_option_query = Czego szukać
command_option_article = Id artykułu
command_option_period = Okres: 7d, 30d…

kb_invalid_slug = identyfikator { $slug } musi mieć od 1 do { $max } liter, cyfr, '-', '_' lub '.'
kb_invalid_title = tytuł musi mieć od 1 do { $max } znaków
kb_invalid_body = treść może mieć najwyżej { $max ->
        [one] { $max } znak
        [few] { $max } znaki
        [many] { $max } znaków
       *[other] { $max } znaku
    }
transcript_heading = Zgłoszenie { $number } — { $title }
transcript_priority = { $priority } (pilność { $urgency }, wpływ { $impact })
transcript_opened = Otwarte
transcript_closed = Zamknięte
transcript_conversation = Rozmowa
transcript_attachments = Załączniki
transcript_no_attachments = Brak.
transcript_internal = wewnętrzne
date_time_format = %d.%m.%Y %H:%M UTC
date_time_seconds_format = %d.%m.%Y %H:%M:%S UTC

## Wybór poleceń Discorda: nazwy poleceń, podpoleceń i opcji (małe litery, bez spacji, do 32
## znaków).
command_ticket_name = zgłoszenie
command_kb_name = baza-wiedzy
command_helpdesk_name = helpdesk
command_ticket_new_name = nowe
command_ticket_claim_name = przejmij
command_ticket_unclaim_name = zwolnij
command_ticket_assign_name = przydziel
command_ticket_escalate_name = eskaluj
command_ticket_deescalate_name = deeskaluj
command_ticket_priority_name = priorytet
command_ticket_pending_name = oczekuje
command_ticket_hold_name = wstrzymaj
command_ticket_resume_name = wznów
command_ticket_resolve_name = rozwiąż
command_ticket_reopen_name = otwórz-ponownie
command_ticket_close_name = zamknij
command_ticket_note_name = notatka
command_ticket_show_name = pokaż
command_ticket_list_name = lista
command_ticket_help_name = pomoc
command_kb_search_name = szukaj
command_kb_show_name = pokaż
command_kb_add_name = dodaj
command_kb_edit_name = edytuj
command_kb_promote_name = ze-zgłoszenia
command_helpdesk_stats_name = statystyki
command_helpdesk_audit_name = dziennik
command_option_ticket_name = zgłoszenie
command_option_ticket_required_name = zgłoszenie
command_option_title_name = tytuł
command_option_person_name = osoba
command_option_reason_name = powód
command_option_level_name = poziom
command_option_specialty_name = specjalizacja
command_option_urgency_name = pilność
command_option_impact_name = wpływ
command_option_resolution_name = rozwiązanie
command_option_note_name = tekst
command_option_scope_name = zakres
command_option_query_name = zapytanie
command_option_article_name = artykuł
command_option_period_name = okres
command_option_actor_name = osoba

## Czas słownie: każda jednostka ("3 dni"), te same jednostki po "za" (biernik: "za 1 minutę"),
## dwie jednostki razem i czas od teraz ("za 3 dni").
duration_days =
    { $count ->
        [one] { $count } dzień
        [few] { $count } dni
        [many] { $count } dni
       *[other] { $count } dnia
    }
duration_hours =
    { $count ->
        [one] { $count } godzina
        [few] { $count } godziny
        [many] { $count } godzin
       *[other] { $count } godziny
    }
duration_minutes =
    { $count ->
        [one] { $count } minuta
        [few] { $count } minuty
        [many] { $count } minut
       *[other] { $count } minuty
    }
duration_seconds =
    { $count ->
        [one] { $count } sekunda
        [few] { $count } sekundy
        [many] { $count } sekund
       *[other] { $count } sekundy
    }
in_days =
    { $count ->
        [one] { $count } dzień
        [few] { $count } dni
        [many] { $count } dni
       *[other] { $count } dnia
    }
in_hours =
    { $count ->
        [one] { $count } godzinę
        [few] { $count } godziny
        [many] { $count } godzin
       *[other] { $count } godziny
    }
in_minutes =
    { $count ->
        [one] { $count } minutę
        [few] { $count } minuty
        [many] { $count } minut
       *[other] { $count } minuty
    }
in_seconds =
    { $count ->
        [one] { $count } sekundę
        [few] { $count } sekundy
        [many] { $count } sekund
       *[other] { $count } sekundy
    }
duration_pair = { $first } i { $second }
duration_in = za { $duration }
joined_open_ticket = Dodano do otwartego zgłoszenia { $number }. Jeśli chodzi o inną sprawę, prosimy otworzyć nowe zgłoszenie.
courtesy_no_ticket = Jeśli potrzebna jest pomoc, prosimy opisać problem w wiadomości tutaj albo otworzyć nowe zgłoszenie.
mention_help = Dzień dobry! Prośby o pomoc przyjmuję w wiadomości bezpośredniej do mnie albo przez /ticket new w dowolnym kanale. Przycisk poniżej od razu otwiera zgłoszenie.
button_reopen = Otwórz ponownie
agents_kb_not_solved = { $name }: proponowane artykuły nie rozwiązały zgłoszenia { $number }, prosimy o pomoc.
agents_kb_grace_over = Zgłoszenie { $number }: proponowane artykuły jak dotąd go nie rozwiązały, prosimy o pomoc.

## helpdesk demo: the narration, the people's lines and the articles
demo_intro = helpdesk demo: jedno zgłoszenie od pytania do potwierdzonego rozwiązania, przez prawdziwy silnik (platforma czatu w pamięci, tymczasowa baza SQLite, baza wiedzy z 3 artykułami).
demo_channels = Kanały przykładowej organizacji (zgłoszenia przychodzą na #help):
demo_employee = { $name } (pracownik)
demo_network = { $name } (L3 sieć)
demo_acts = { $name } w { $place } { $what }
demo_writes = pisze: { $text }
demo_types = wpisuje: { $text }
demo_clicks = klika [{ $button }]
demo_in_thread = { $channel } › wątek { $thread }
demo_at_message = { $channel } › wiadomość { $message }
demo_only_sees = { $channel } (widzi tylko { $user })
demo_bot = bot ▸ { $place } { $verb }:
demo_posts = publikuje
demo_replies = odpowiada
demo_updates = aktualizuje kartę
demo_tells = mówi
demo_reacts = bot ▸ { $channel }: reaguje :{ $emoji }: na { $message } (pozostaje wewnętrzne)
demo_pings = powiadamia
demo_step_asks = Mario pisze na #help: najpierw odpowiada baza wiedzy, a karta trafia do L1 bez powiadamiania kogokolwiek
demo_step_again = Minutę później Mario pisze ponownie na #help: wiadomość dołącza do jego otwartego zgłoszenia zamiast otwierać nowe
demo_step_unhelpful = Mario czyta proponowany artykuł: nie pomaga, więc teraz powiadamiane jest L1
demo_step_claim = Ada (L1) klika Przejmij na karcie
demo_step_answer = Ada odpowiada w wątku karty
demo_step_reply = Mario odpowiada w swoim wątku
demo_step_escalate = Ada przekazuje zgłoszenie do L2 z uzasadnieniem
demo_step_l2 = Bruno (L2) przejmuje je i przekazuje specjalistom sieci L3
demo_step_internal = Nina (L3) pisze w wątku swojej karty: wewnętrznie, L3 nie kontaktuje się z osobą zgłaszającą
demo_step_resolve = Nina rozwiązuje
demo_step_confirm = Mario potwierdza rozwiązanie
demo_step_rate = Mario ocenia pomoc: pięć gwiazdek
demo_summary = Zgłoszenie { $number }: { $status } (priorytet { $priority }, poziom { $level }). Jego dziennik ma { $entries ->
    [one] { $entries } wpis
    [few] { $entries } wpisy
    [many] { $entries } wpisów
   *[other] { $entries } wpisu
}; `helpdesk ticket show` wypisuje je z prawdziwej bazy danych.
demo_line_ask = VPN nie działa od rana, błąd 809
demo_line_again = Koledzy z pokoju 4 też nie mogą się połączyć
demo_line_answer = Czy może Pan zrestartować klienta VPN i spróbować ponownie?
demo_line_reply = Zrestartowany, nadal błąd 809.
demo_line_escalate = kilku użytkowników, klient działa: wygląda na bramę
demo_line_l3 = brama gubi pakiety IKE od aktualizacji o 02:00
demo_line_internal = Znany błąd firmware'u, przywracam poprzednią wersję bramy.
demo_line_resolve = Przywrócono poprzedni firmware bramy VPN.
demo_article_vpn_title = Błąd VPN 809 przy łączeniu
demo_article_vpn_body = Błąd 809 oznacza, że klient VPN nie może połączyć się z bramą. Proszę zrestartować klienta VPN; jeśli błąd się powtarza, proszę sprawdzić, czy sieć przepuszcza porty UDP 500 i 4500.
demo_article_outlook_title = Outlook zamyka się przy starcie
demo_article_outlook_body = Proszę uruchomić Outlooka w trybie awaryjnym (`outlook.exe /safe`) i wyłączać dodatki po kolei.
demo_article_password_title = Reset zapomnianego hasła
demo_article_password_body = Proszę skorzystać z portalu samoobsługowego i wykonać kroki; nowe hasło działa wszędzie w ciągu 5 minut.
requester_desk_closed = Help desk jest teraz nieczynny i zostanie otwarty { $time } (czas { $zone }); do tego czasu zgłoszenie czeka w kolejce.
requester_expected_response = Przewidywany czas pierwszej odpowiedzi konsultanta: { $duration }.
requester_expected_response_working = Przewidywany czas pierwszej odpowiedzi konsultanta: { $duration } w godzinach pracy.
date_time_local_format = %d.%m.%Y o godz. %H:%M

## Pliki udostępnione w rozmowie: rozmiar pliku (liczba zapisana już z przecinkiem dziesiętnym),
## etykieta jego linku i wiersz dla plików udostępnionych bez słów.
file_size_bytes = { $count } B
file_size_kb = { $size } KB
file_size_mb = { $size } MB
file_size_gb = { $size } GB
file_label = { $name } ({ $size })
shared_files =
    { $count ->
        [one] { $name } udostępnia { $count } plik
        [few] { $name } udostępnia { $count } pliki
        [many] { $name } udostępnia { $count } plików
       *[other] { $name } udostępnia { $count } pliku
    }

## The web desk: sign-in, the first-start setup page and the landing page. `name` is an
## account name, `role` one of the web_role_* texts, `level` a support level's number.
web_desk_name = Help desk
web_skip_to_content = Przejdź do treści
web_sign_in_title = Zaloguj się
web_name_label = Nazwa konta
web_password_label = Hasło
web_password_again_label = Powtórz hasło
web_sign_in_button = Zaloguj się
web_sign_in_failed = Nazwa konta i hasło nie pasują do siebie. Sprawdź je i spróbuj ponownie.
web_sign_in_throttled = Zbyt wiele nieudanych prób logowania. Odczekaj kilka minut i spróbuj ponownie.
web_signed_out = Wylogowano.
web_session_ended = Sesja wygasła. Zaloguj się ponownie.
web_sign_out_button = Wyloguj się
web_home_title = Twój help desk
web_home_signed_in = Zalogowano jako { $name }.
web_home_role = Twoja rola: { $role }.
web_home_next = Utwórz zgłoszenie albo śledź swoje w sekcji Moje zgłoszenia. Konsola agentów pojawi się wkrótce.
web_role_requester = zgłaszający
web_role_agent = agent poziomu { $level }
web_role_manager = kierownik help desku
web_role_admin = administrator
web_setup_title = Konfiguracja help desku
web_setup_intro = Utwórz pierwsze konto administratora. Ten link działa tylko raz.
web_setup_button = Utwórz administratora
web_setup_gone = Ten link konfiguracyjny jest nieważny: został już użyty albo help desk został uruchomiony ponownie. Jeśli administrator istnieje, zaloguj się.
web_bad_name = Nazwa konta ma od 2 do 64 znaków: litery a-z, cyfry, '.', '-' i '_', i zaczyna się literą lub cyfrą.
web_bad_password = Hasło ma co najmniej 10 znaków (najwyżej 1024).
web_passwords_differ = Podane hasła nie są takie same.
web_name_taken = Ta nazwa konta jest zajęta: wybierz inną.
web_form_expired_title = Ten formularz wygasł
web_form_expired = Formularz wysłano bez jego kodu zabezpieczającego albo z innej strony. Wróć, odśwież stronę i spróbuj ponownie.
web_unavailable_title = Help desk jest niedostępny
web_unavailable = Help desk nie może teraz odpowiedzieć. Spróbuj ponownie za chwilę.
web_go_to_sign_in = Przejdź do strony logowania
web_nav_tickets = Moje zgłoszenia
web_nav_new_ticket = Utwórz zgłoszenie
web_nav_label = Menu główne
web_tickets_title = Moje zgłoszenia
web_tickets_none = Nie masz jeszcze żadnych zgłoszeń.
web_column_number = Numer
web_column_title = Tytuł
web_column_status = Status
web_column_level = Poziom
web_column_updated = Zaktualizowano
web_notices_title = Najnowsze wiadomości z działu pomocy
web_new_ticket_title = Utwórz zgłoszenie
web_new_ticket_intro = Opisz problem. Odpowiedzi zobaczysz w sekcji Moje zgłoszenia.
web_title_label = Tytuł
web_description_label = Co się stało?
web_new_ticket_button = Wyślij zgłoszenie
web_title_missing = Nadaj zgłoszeniu tytuł.
web_description_missing = Opisz problem w kilku słowach.
web_ticket_sent = Twoje zgłoszenie zostało wysłane do działu pomocy.
web_ticket_title = Zgłoszenie nr { $number }
web_conversation_title = Rozmowa
web_conversation_empty = Nic jeszcze nie napisano.
web_reply_label = Twoja odpowiedź
web_reply_button = Wyślij odpowiedź
web_reply_missing = Najpierw napisz odpowiedź.
web_reply_sent = Twoja odpowiedź została wysłana.
web_not_found_title = Nie znaleziono
web_not_found = Nie ma takiej strony albo nie należy do Ciebie.
web_go_to_tickets = Przejdź do moich zgłoszeń
