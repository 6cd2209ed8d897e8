/**
 * Out-of-office responders (RFC 3834): the rules an address's responder follows, whether a
 * message gets an answer, the answer as a complete message, and the durable memory of whom was
 * answered when. Storing responders and sending the answers through the spool, from the null
 * sender to the envelope sender, is left to the callers.
 */
package dev.postillion.mailbox.responder;
