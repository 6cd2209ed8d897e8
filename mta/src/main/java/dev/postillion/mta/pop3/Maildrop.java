package dev.postillion.mta.pop3;

import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.MailMessage;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * A POP3 session's maildrop (RFC 1939 section 5): the INBOX as it was at login, its messages
 * numbered 1 to n in uid order, and those DELE marked deleted. Deliveries after login are not
 * seen until the next session; marks are applied only at QUIT.
 */
final class Maildrop {

    final String folder;
    private final long uidValidity;
    /** The snapshot: message number n is the n-th smallest uid. */
    private final RoaringBitmap uids = new RoaringBitmap();
    private final long[] sizes;
    private final long[] contentIds;
    /** Message numbers marked deleted. */
    private final RoaringBitmap deleted = new RoaringBitmap();

    /** @param messages the folder's messages, in uid order */
    Maildrop(Folder inbox, List<MailMessage> messages) {
        this.folder = inbox.name();
        this.uidValidity = inbox.uidValidity();
        this.sizes = new long[messages.size()];
        this.contentIds = new long[messages.size()];
        for (int i = 0; i < messages.size(); i++) {
            MailMessage message = messages.get(i);
            uids.add((int) message.uid());
            sizes[i] = message.size();
            contentIds[i] = message.contentId();
        }
    }

    /** Messages at login, deleted ones included: the highest message number. */
    int count() {
        return sizes.length;
    }

    boolean exists(int number) {
        return number >= 1 && number <= count();
    }

    boolean deleted(int number) {
        return deleted.contains(number);
    }

    /** Messages not marked deleted (STAT's count, RFC 1939 section 5). */
    int remaining() {
        return count() - deleted.getCardinality();
    }

    /** Octets of the messages not marked deleted. */
    long remainingSize() {
        long total = 0;
        for (int number = 1; number <= count(); number++) {
            total += deleted(number) ? 0 : size(number);
        }
        return total;
    }

    /** The size as stored: with CRLF line ends, as RFC 1939 section 5 counts it. */
    long size(int number) {
        return sizes[number - 1];
    }

    long contentId(int number) {
        return contentIds[number - 1];
    }

    /**
     * UIDL's unique-id (RFC 1939 section 7): the same for the message in every session, and for
     * no other message of the maildrop ever, since a uid is not given twice under one
     * UIDVALIDITY; digits and a dot only.
     */
    String uniqueId(int number) {
        return uidValidity + "." + uid(number);
    }

    private long uid(int number) {
        return Integer.toUnsignedLong(uids.select(number - 1));
    }

    void delete(int number) {
        deleted.add(number);
    }

    /** RSET: no message is marked deleted any more. */
    void reset() {
        deleted.clear();
    }

    /** The uids of the messages marked deleted. */
    RoaringBitmap deletedUids() {
        RoaringBitmap marked = new RoaringBitmap();
        deleted.forEach((int number) -> marked.add((int) uid(number)));
        return marked;
    }
}
