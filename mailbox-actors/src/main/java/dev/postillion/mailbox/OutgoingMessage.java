package dev.postillion.mailbox;

import dev.postillion.core.Envelope;

/** A new message a mailbox sends (a forward, a backup copy, a responder's reply), to be spooled. */
record OutgoingMessage(Envelope envelope, byte[] content) {}
