package dev.postillion.mailbox;

import java.time.Instant;

/**
 * A message expunged within the retention period, which an operator can restore.
 *
 * @param id names it to {@link MailboxEdit.Restore}
 * @param folder the folder it was expunged from
 */
public record DeletedMessage(String id, String folder, Instant deletedAt, MailMessage message) {}
