/**
 * Delivery status notifications (the job of Postfix's bounce(8)): the failure, delay and success
 * reports of RFC 3464, written as complete {@code multipart/report} messages (RFC 6522) that go
 * into the spool like any other message, from the null sender to the original sender.
 */
package dev.postillion.queue.report;
