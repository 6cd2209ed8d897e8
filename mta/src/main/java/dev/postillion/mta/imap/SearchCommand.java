package dev.postillion.mta.imap;

import dev.postillion.core.MessageHeaders;
import dev.postillion.mailbox.MailMessage;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MessageFlags;
import dev.postillion.mta.access.ContentReads;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.roaringbitmap.RoaringBitmap;

/**
 * SEARCH and UID SEARCH (RFC 9051 section 6.4.4) with CONDSTORE's MODSEQ key (RFC 7162 section
 * 3.1.5), ESEARCH's RETURN options (RFC 4731) and SEARCHRES's SAVE and "$" (RFC 5182); what is
 * answered and saved is {@link SearchReturn}'s. A search reads the folder's records a batch at a
 * time and, only when a key needs the message itself (headers, body, sent date), its content, in
 * runs that fit the node's content memory.
 */
final class SearchCommand {

    /** Records read at once; the content of those, when a key needs it, in runs ({@link ContentReads}). */
    private static final int BATCH = 500;
    /** RFC 9051 {@code date}: "1-Feb-2026" or "01-Feb-2026". */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ROOT);

    /** What a key tests: a message's record and, if read, its content, parsed once for the keys that ask. */
    private static final class Candidate {
        private final MailMessage message;
        private final byte[] content;
        private MessageHeaders headers;
        private SearchableText text;

        Candidate(MailMessage message, byte[] content) {
            this.message = message;
            this.content = content;
        }

        MailMessage message() {
            return message;
        }

        MessageHeaders headers() {
            if (headers == null) {
                headers = MessageHeaders.parse(content);
            }
            return headers;
        }

        SearchableText text() {
            if (text == null) {
                text = SearchableText.of(content);
            }
            return text;
        }
    }

    private interface Key {
        boolean test(Candidate candidate);

        default boolean needsContent() {
            return false;
        }
    }

    private record ContentKey(Key key) implements Key {
        @Override
        public boolean test(Candidate candidate) {
            return key.test(candidate);
        }

        @Override
        public boolean needsContent() {
            return true;
        }
    }

    private record Both(List<Key> keys) implements Key {
        @Override
        public boolean test(Candidate candidate) {
            return keys.stream().allMatch(key -> key.test(candidate));
        }

        @Override
        public boolean needsContent() {
            return keys.stream().anyMatch(Key::needsContent);
        }
    }

    private final ImapSession session;
    private final MailStore store;
    private final String address;
    private final SelectedFolder selected;
    private boolean modSeqAsked;
    /** The first key's name, read already while looking for CHARSET. */
    private String pendingWord;

    SearchCommand(ImapSession session, MailStore store, String address, SelectedFolder selected) {
        this.session = session;
        this.store = store;
        this.address = address;
        this.selected = selected;
    }

    void run(String tag, boolean byUid, CommandReader reader) {
        reader.space();
        SearchReturn answer = SearchReturn.plain(session.rev2());
        if (reader.peekLetter()) {
            pendingWord = reader.itemName();
            if (pendingWord.equalsIgnoreCase("RETURN")) {
                reader.space();
                answer = SearchReturn.read(reader); // ESEARCH, RFC 4731 section 3.1
                reader.space();
                pendingWord = reader.peekLetter() ? reader.itemName() : null;
            }
        }
        try {
            keys(tag, byUid, answer, reader);
        } catch (CommandReader.BadSyntax e) {
            forget(answer);
            throw e;
        }
    }

    /** RFC 5182 section 2.1: a SEARCH with SAVE that fails leaves the empty result saved. */
    private void forget(SearchReturn answer) {
        if (answer.save()) {
            selected.saved = new RoaringBitmap();
        }
    }

    private void keys(String tag, boolean byUid, SearchReturn answer, CommandReader reader) {
        if (pendingWord != null && pendingWord.equalsIgnoreCase("CHARSET")) {
            // CHARSET: US-ASCII and UTF-8 only, as RFC 9051 section 6.4.4 requires of a server.
            pendingWord = null;
            reader.space();
            String charset = reader.astring();
            if (!charset.equalsIgnoreCase("UTF-8") && !charset.equalsIgnoreCase("US-ASCII")) {
                forget(answer);
                session.finish(tag, "NO [BADCHARSET (UTF-8 US-ASCII)] charset " + charset + " is not supported");
                return;
            }
            reader.space();
        }
        List<Key> keys = new ArrayList<>();
        keys.add(key(reader));
        while (reader.take(' ')) {
            keys.add(key(reader));
        }
        reader.end();
        Key all = new Both(keys);
        int[] uids = selected.uids.toArray();
        search(tag, byUid, answer, all, uids, 0, new Found());
    }

    /** The uids found so far, ascending, and their modseqs: the highest, the first's and the last's. */
    private static final class Found {
        final List<Long> uids = new ArrayList<>();
        long modSeq;
        long firstModSeq;
        long lastModSeq;

        void add(MailMessage message) {
            if (uids.isEmpty()) {
                firstModSeq = message.modSeq();
            }
            uids.add(message.uid());
            modSeq = Math.max(modSeq, message.modSeq());
            lastModSeq = message.modSeq();
        }

        /**
         * RFC 7162 section 3.1.5: the highest modseq of the messages answered, which with MIN or
         * MAX alone are only those.
         */
        long modSeq(SearchReturn answer) {
            if (!answer.extremesOnly()) {
                return modSeq;
            }
            return Math.max(answer.min() ? firstModSeq : 0, answer.max() ? lastModSeq : 0);
        }
    }

    private void search(String tag, boolean byUid, SearchReturn answer, Key key, int[] uids, int from, Found found) {
        if (from >= uids.length) {
            List<Long> numbers = byUid ? found.uids : found.uids.stream().map(selected::sequence).toList();
            String response = answer.response(tag, byUid, numbers, modSeqAsked ? found.modSeq(answer) : -1);
            if (response != null) {
                session.send(response);
            }
            if (answer.save()) {
                selected.saved = answer.saved(found.uids);
            }
            session.catchUpThen(tag, "OK SEARCH completed", false);
            return;
        }
        RoaringBitmap batch = RoaringBitmap.bitmapOf(Arrays.copyOfRange(uids, from, Math.min(uids.length, from + BATCH)));
        Runnable next = () -> search(tag, byUid, answer, key, uids, from + BATCH, found);
        Consumer<Candidate> test = candidate -> {
            if (key.test(candidate)) {
                found.add(candidate.message());
            }
        };
        session.await(store.messages(address, selected.id, batch), tag, messages -> {
            if (key.needsContent()) {
                session.withContent(tag, messages, Function.identity(),
                        (message, content) -> test.accept(candidate(message, content)), SearchCommand::nothing, next);
            } else {
                messages.forEach(message -> test.accept(candidate(message, null)));
                next.run();
            }
        });
    }

    /** Nothing to wait for between runs: a search answers at its end. */
    private static CompletionStage<?> nothing() {
        return CompletableFuture.completedFuture(null);
    }

    private static Candidate candidate(MailMessage message, byte[] content) {
        return new Candidate(message, content);
    }

    private Key key(CommandReader reader) {
        if (reader.take('(')) {
            List<Key> keys = new ArrayList<>();
            do {
                keys.add(key(reader));
            } while (reader.take(' '));
            reader.expect(')');
            return new Both(keys);
        }
        if (pendingWord == null && (reader.peek('*') || reader.peek('$') || !reader.peekLetter())) {
            RoaringBitmap uids = selected.uids(reader.sequenceSet(), false);
            return candidate -> uids.contains((int) candidate.message().uid());
        }
        String name = (pendingWord != null ? pendingWord : reader.itemName()).toUpperCase(Locale.ROOT);
        pendingWord = null;
        return switch (name) {
            case "ALL" -> candidate -> true;
            case "ANSWERED" -> flag(MessageFlags.ANSWERED, true);
            case "UNANSWERED" -> flag(MessageFlags.ANSWERED, false);
            case "DELETED" -> flag(MessageFlags.DELETED, true);
            case "UNDELETED" -> flag(MessageFlags.DELETED, false);
            case "DRAFT" -> flag(MessageFlags.DRAFT, true);
            case "UNDRAFT" -> flag(MessageFlags.DRAFT, false);
            case "FLAGGED" -> flag(MessageFlags.FLAGGED, true);
            case "UNFLAGGED" -> flag(MessageFlags.FLAGGED, false);
            case "SEEN", "OLD" -> flag(MessageFlags.SEEN, true);
            case "UNSEEN" -> flag(MessageFlags.SEEN, false);
            case "NEW", "RECENT" -> candidate -> false; // no session holds \Recent here (RFC 9051 dropped it)
            case "KEYWORD", "UNKEYWORD" -> keyword(reader, name.equals("KEYWORD"));
            case "LARGER" -> size(reader, true);
            case "SMALLER" -> size(reader, false);
            case "BEFORE", "ON", "SINCE" -> internalDate(name, date(reader));
            case "SENTBEFORE", "SENTON", "SENTSINCE" -> sentDate(name.substring(4), date(reader));
            // The message's record keeps its From and Subject fields (RFC 5322 section 3.6 allows one
            // each): searching them needs no content. TO, CC and BCC are read from it.
            case "FROM" -> recordField(text(reader), MailMessage::from);
            case "SUBJECT" -> recordField(text(reader), MailMessage::subject);
            case "TO", "CC", "BCC" -> header(name, text(reader));
            case "HEADER" -> {
                reader.space();
                String field = reader.astring();
                yield header(field, text(reader));
            }
            case "BODY" -> {
                String wanted = text(reader);
                yield new ContentKey(candidate -> candidate.text().bodyContains(wanted));
            }
            case "TEXT" -> {
                String wanted = text(reader);
                yield new ContentKey(candidate -> candidate.text().textContains(wanted));
            }
            case "UID" -> {
                reader.space();
                RoaringBitmap uids = selected.uids(reader.sequenceSet(), true);
                yield candidate -> uids.contains((int) candidate.message().uid());
            }
            case "NOT" -> {
                reader.space();
                Key negated = key(reader);
                yield negated.needsContent() ? new ContentKey(candidate -> !negated.test(candidate))
                        : candidate -> !negated.test(candidate);
            }
            case "OR" -> {
                reader.space();
                Key left = key(reader);
                reader.space();
                Key right = key(reader);
                Key either = candidate -> left.test(candidate) || right.test(candidate);
                yield left.needsContent() || right.needsContent() ? new ContentKey(either) : either;
            }
            case "MODSEQ" -> {
                reader.space();
                long modSeq = reader.number();
                modSeqAsked = true;
                yield candidate -> candidate.message().modSeq() >= modSeq;
            }
            default -> throw new CommandReader.BadSyntax("no such SEARCH key: " + name);
        };
    }

    private static Key flag(int flag, boolean set) {
        return candidate -> candidate.message().flags().has(flag) == set;
    }

    private static Key keyword(CommandReader reader, boolean set) {
        reader.space();
        String keyword = reader.atom();
        return candidate -> candidate.message().flags().keywords().stream()
                .anyMatch(known -> known.equalsIgnoreCase(keyword)) == set;
    }

    private static Key size(CommandReader reader, boolean larger) {
        reader.space();
        long size = reader.number();
        return candidate -> larger ? candidate.message().size() > size : candidate.message().size() < size;
    }

    /** BEFORE, ON, SINCE compare the internal date's day, in UTC, as Dovecot does by default. */
    private static Key internalDate(String comparison, LocalDate date) {
        return candidate -> compare(comparison, candidate.message().internalDate().atZone(ZoneOffset.UTC)
                .toLocalDate(), date);
    }

    private static Key sentDate(String comparison, LocalDate date) {
        return new ContentKey(candidate -> candidate.headers().first("Date").flatMap(SearchCommand::parseDate)
                .map(sent -> compare(comparison, sent, date)).orElse(false));
    }

    private static boolean compare(String comparison, LocalDate day, LocalDate date) {
        return switch (comparison) {
            case "BEFORE" -> day.isBefore(date);
            case "ON" -> day.isEqual(date);
            default -> !day.isBefore(date);
        };
    }

    private static Optional<LocalDate> parseDate(String header) {
        try {
            return Optional.of(ZonedDateTime.parse(header.trim().replaceAll("\\s*\\(.*\\)$", ""),
                    DateTimeFormatter.RFC_1123_DATE_TIME).toLocalDate());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** A field the record keeps, holding the value once its encoded-words are decoded. */
    private static Key recordField(String value, Function<MailMessage, String> field) {
        return candidate -> SearchableText.valueContains(field.apply(candidate.message()), value);
    }

    /** A field holding the value, encoded-words decoded; an empty value: the field is there. */
    private static Key header(String field, String value) {
        return new ContentKey(candidate -> candidate.text().fieldContains(field, value));
    }

    private static String text(CommandReader reader) {
        reader.space();
        return reader.astring();
    }

    private static LocalDate date(CommandReader reader) {
        reader.space();
        String text = reader.peek('"') ? new String(reader.string(), StandardCharsets.US_ASCII) : reader.atom();
        try {
            return LocalDate.parse(text, DATE);
        } catch (DateTimeParseException e) {
            throw new CommandReader.BadSyntax("not an IMAP date: " + text);
        }
    }
}
