package dev.postillion.mta.policy.content;

import dev.postillion.mta.mime.Slice;
import dev.postillion.mta.policy.content.ContentViolation.HeaderTooLarge;
import java.util.Optional;

/**
 * The content rules of SPEC section 4, applied to a complete message before it is spooled:
 * the header section's size, non-ASCII header fields without SMTPUTF8, and forbidden attachment
 * names, also inside ZIP archives. Pure and bounded, so the session runs it on its own thread
 * (ARCHITECTURE rule 2): the message is already in memory and at most the size limit, and the
 * walk's reading, decoding and inflating are capped (see {@link AttachmentScanner} and
 * {@link ZipScanner}). Each rule can be turned off in {@code postillion.content}.
 */
public final class ContentPolicy {

    private final ContentSettings settings;
    private final FileNames names;

    public ContentPolicy(ContentSettings settings) {
        this.settings = settings;
        this.names = new FileNames(settings.forbiddenExtensions());
    }

    /**
     * The first rule the message breaks, checked in this order: header size, non-ASCII headers,
     * attachments.
     *
     * @param message the content as received, before our trace headers, CRLF line endings
     * @param smtputf8 the transaction's MAIL command carried SMTPUTF8 (RFC 6531)
     */
    public Optional<ContentViolation> check(byte[] message, boolean smtputf8) {
        int headerLength = HeaderSection.length(message);
        if (settings.headerSize() && headerLength > settings.maxHeaderSize()) {
            return Optional.of(new HeaderTooLarge(headerLength, settings.maxHeaderSize()));
        }
        if (settings.nonAsciiHeaders() && !smtputf8) {
            Optional<ContentViolation> nonAscii = HeaderSection.nonAscii(message, headerLength);
            if (nonAscii.isPresent()) {
                return nonAscii;
            }
        }
        if (settings.attachments()) {
            ZipScanner zips = new ZipScanner(names, settings.zipDepth(), settings.zipScanLimit());
            return new AttachmentScanner(names, zips, settings.maxHeaderSize()).scan(Slice.of(message));
        }
        return Optional.empty();
    }
}
