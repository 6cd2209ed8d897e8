package dev.postillion.mta.pop3;

import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mailbox.MessageFlags;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.roaringbitmap.RoaringBitmap;

/**
 * The TRANSACTION state's commands on a session's {@link Maildrop} (RFC 1939 section 5, TOP and
 * UIDL of section 7), and QUIT's UPDATE state (section 6): the messages DELE marked get \Deleted
 * and are expunged, only they, so that they are kept for the retention period like any expunged
 * message and can be restored through the admin API.
 */
final class Pop3Transaction {

    private final Pop3Session session;
    private final Mailboxes mailboxes;
    private final String address;
    private final Maildrop maildrop;

    Pop3Transaction(Pop3Session session, Mailboxes mailboxes, String address, Maildrop maildrop) {
        this.session = session;
        this.mailboxes = mailboxes;
        this.address = address;
        this.maildrop = maildrop;
    }

    void run(String name, String argument) {
        switch (name) {
            case "STAT" -> session.reply("+OK " + maildrop.remaining() + " " + maildrop.remainingSize());
            case "LIST" -> list(argument);
            case "UIDL" -> uidl(argument);
            case "RETR" -> message(number(argument), -1);
            case "TOP" -> top(argument);
            case "DELE" -> delete(argument);
            case "NOOP" -> session.reply("+OK");
            case "RSET" -> {
                maildrop.reset();
                session.reply("+OK maildrop has " + maildrop.count() + " messages (" + maildrop.remainingSize()
                        + " octets)");
            }
            default -> session.reply("-ERR unknown command");
        }
    }

    private void list(String argument) {
        if (!argument.isEmpty()) {
            existing(number(argument)).ifPresent(number ->
                    session.reply("+OK " + number + " " + maildrop.size(number)));
            return;
        }
        MultiLine listing = new MultiLine(maildrop.remaining() + " messages (" + maildrop.remainingSize()
                + " octets)");
        for (int number = 1; number <= maildrop.count(); number++) {
            if (!maildrop.deleted(number)) {
                listing.line(number + " " + maildrop.size(number));
            }
        }
        session.replyMultiLine(listing.end());
    }

    private void uidl(String argument) {
        if (!argument.isEmpty()) {
            existing(number(argument)).ifPresent(number ->
                    session.reply("+OK " + number + " " + maildrop.uniqueId(number)));
            return;
        }
        MultiLine listing = new MultiLine("unique-id listing follows");
        for (int number = 1; number <= maildrop.count(); number++) {
            if (!maildrop.deleted(number)) {
                listing.line(number + " " + maildrop.uniqueId(number));
            }
        }
        session.replyMultiLine(listing.end());
    }

    /** TOP msg n: the header and the first n lines of the body. */
    private void top(String argument) {
        String[] parts = argument.split(" ", -1);
        OptionalLong lines = parts.length == 2 ? digits(parts[1]) : OptionalLong.empty();
        if (lines.isEmpty()) {
            session.reply("-ERR TOP needs a message number and a number of lines");
            return;
        }
        message(number(parts[0]), lines.getAsLong());
    }

    /** RETR (with {@code bodyLines} -1) and TOP: the content read from the store, byte-stuffed. */
    private void message(OptionalInt asked, long bodyLines) {
        existing(asked).ifPresent(number -> session.await(session.readMessage(maildrop.contentId(number),
                maildrop.size(number)), content -> {
                    if (content.length == 0) {
                        session.reply("-ERR [SYS/PERM] message " + number + " has no content");
                        return;
                    }
                    String status = bodyLines < 0 ? maildrop.size(number) + " octets" : "top of message follows";
                    session.replyMultiLine(MultiLine.message(status, content, bodyLines));
                }));
    }

    private void delete(String argument) {
        existing(number(argument)).ifPresent(number -> {
            maildrop.delete(number);
            session.reply("+OK message " + number + " deleted");
        });
    }

    /**
     * UPDATE: \Deleted on the marked messages, then those expunged, one edit after the other
     * whether or not the client waits for the answer.
     */
    void quit() {
        RoaringBitmap marked = maildrop.deletedUids();
        String signOff = "+OK " + session.hostname() + " POP3 server signing off (";
        if (marked.isEmpty()) {
            session.quit(signOff + "0 messages deleted)");
            return;
        }
        MessageFlags deleted = new MessageFlags(MessageFlags.DELETED, List.of());
        session.await(mailboxes.edit(address, new MailboxEdit.SetFlags(maildrop.folder, marked,
                        MessageFlags.Change.ADD, deleted, -1))
                .thenCompose(flagged -> mailboxes.edit(address, new MailboxEdit.Expunge(maildrop.folder, marked))),
                expunged -> session.quit(expunged.succeeded()
                        ? signOff + expunged.expunged().size() + " messages deleted)"
                        : "-ERR [SYS/TEMP] some deleted messages not removed"));
    }

    /** The message number asked for, if it is one and names a message not marked deleted. */
    private OptionalInt existing(OptionalInt asked) {
        if (asked.isEmpty()) {
            session.reply("-ERR a message number is needed");
        } else if (!maildrop.exists(asked.getAsInt())) {
            session.reply("-ERR no such message, only " + maildrop.count() + " messages in maildrop");
        } else if (maildrop.deleted(asked.getAsInt())) {
            session.reply("-ERR message " + asked.getAsInt() + " already deleted");
        } else {
            return asked;
        }
        return OptionalInt.empty();
    }

    private static OptionalInt number(String argument) {
        OptionalLong value = digits(argument);
        return value.isPresent() && value.getAsLong() <= Integer.MAX_VALUE
                ? OptionalInt.of((int) value.getAsLong()) : OptionalInt.empty();
    }

    /** A number of at most 18 digits, nothing else. */
    private static OptionalLong digits(String argument) {
        if (argument.isEmpty() || argument.length() > 18 || !argument.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(argument));
    }
}
