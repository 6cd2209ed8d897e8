package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The header data a DKIM signature signs (RFC 6376 sections 3.7 and 5.4). */
final class HeaderHash {

    private static final byte[] CRLF = {'\r', '\n'};

    private HeaderHash() {}

    /**
     * The fields named by {@code h=}, selected bottom-up and canonicalized, each with its CRLF; then
     * the DKIM-Signature field itself with its {@code b=} value emptied, canonicalized, without
     * its CRLF (RFC 6376 section 3.7).
     */
    static byte[] data(List<HeaderField> headers, List<String> signedNames, HeaderField signatureField,
            Canonicalization canonicalization) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (HeaderField field : select(headers, signedNames, signatureField)) {
            data.writeBytes(canonicalization.header(field.raw()));
            data.writeBytes(CRLF);
        }
        data.writeBytes(canonicalization.header(withoutSignatureValue(signatureField.raw())));
        return data.toByteArray();
    }

    /**
     * RFC 6376 section 5.4.2: for each name, the last field of that name not yet taken, so that a
     * name listed twice takes the two last fields, bottom-up. A name with no field left contributes
     * nothing, so that adding such a field later breaks the signature. The field being verified is
     * never among them: it did not exist when the signer chose.
     */
    static List<HeaderField> select(List<HeaderField> headers, List<String> names, HeaderField signatureField) {
        Map<String, Integer> nextAbove = new HashMap<>();
        List<HeaderField> selected = new ArrayList<>(names.size());
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            int index = nextAbove.getOrDefault(key, headers.size()) - 1;
            while (index >= 0 && (!headers.get(index).is(name) || headers.get(index) == signatureField)) {
                index--;
            }
            nextAbove.put(key, Math.max(index, 0));
            if (index >= 0) {
                selected.add(headers.get(index));
            }
        }
        return selected;
    }

    /**
     * The field with the value of its {@code b=} tag deleted, white space around it included
     * (RFC 6376 section 3.7); every other octet as it was. A value holds no ";" (section 3.2),
     * so the tags are found by splitting there.
     */
    static byte[] withoutSignatureValue(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int colon = text.indexOf(':');
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, colon + 1);
        String[] specs = text.substring(colon + 1).split(";", -1);
        for (int i = 0; i < specs.length; i++) {
            if (i > 0) {
                out.append(';');
            }
            int equals = specs[i].indexOf('=');
            boolean isB = equals >= 0 && "b".equals(TagList.trimFws(specs[i].substring(0, equals)));
            out.append(isB ? specs[i].substring(0, equals + 1) : specs[i]);
        }
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
