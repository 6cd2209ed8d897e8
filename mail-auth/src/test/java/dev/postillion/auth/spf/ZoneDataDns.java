package dev.postillion.auth.spf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import dev.postillion.core.testing.DnsRecords;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The DNS of one scenario of the RFC 7208 test suite, served from its {@code zonedata}, as the suite's
 * own driver (pyspf's testspf.py) serves it:
 *
 * <ul>
 *   <li>a name's entries are read in order; a {@code TIMEOUT} entry reached before any record of the
 *       type asked for makes the question time out, one reached after them ends the answer;
 *   <li>an {@code SPF} record also serves as a {@code TXT} record, appended after the name's
 *       entries, unless the name has a {@code TXT} entry of its own ({@code TXT: NONE} being one
 *       that adds no record);
 *   <li>CNAME chains are followed, a loop being a failure, as a resolver reports it.
 * </ul>
 *
 * A name with no entries is NXDOMAIN, unless names below it have some (RFC 8020); a name with
 * entries but none of the type is NODATA. Answers arrive on another thread, as real ones do.
 */
final class ZoneDataDns implements NameService {

    private static final String TIMEOUT = "TIMEOUT";
    private static final int MAX_CHAIN = 8;

    private record Entry(String type, String value) {}

    private final Map<String, List<Entry>> zone;
    private final Executor executor;

    private ZoneDataDns(Map<String, List<Entry>> zone, Executor executor) {
        this.zone = zone;
        this.executor = executor;
    }

    /** The zone of a scenario's {@code zonedata} mapping. */
    static ZoneDataDns of(JsonNode zonedata, Executor executor) {
        Map<String, List<Entry>> zone = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> names = zonedata.fields(); names.hasNext(); ) {
            Map.Entry<String, JsonNode> name = names.next();
            zone.put(normalized(name.getKey()), entries(name.getValue()));
        }
        return new ZoneDataDns(zone, executor);
    }

    private static List<Entry> entries(JsonNode list) {
        List<Entry> entries = new ArrayList<>();
        List<Entry> generated = new ArrayList<>();
        boolean ownTxt = false;
        for (JsonNode item : list) {
            if (item.isTextual()) {
                entries.add(new Entry(item.asText(), ""));
                continue;
            }
            Map.Entry<String, JsonNode> field = item.fields().next();
            String type = field.getKey().toUpperCase(Locale.ROOT);
            JsonNode value = field.getValue();
            ownTxt |= type.equals("TXT");
            if (value.isTextual() && value.asText().equals("NONE")) {
                continue;
            }
            Entry entry = new Entry(type, text(type, value));
            entries.add(entry);
            if (type.equals("SPF")) {
                generated.add(new Entry("TXT", entry.value()));
            }
        }
        if (!ownTxt) {
            entries.addAll(generated);
        }
        return entries;
    }

    /** TXT and SPF: the strings joined; MX: the exchange; others: the value as written. */
    private static String text(String type, JsonNode value) {
        if (type.equals("MX")) {
            return normalized(value.get(1).asText());
        }
        if (value.isArray()) {
            StringBuilder joined = new StringBuilder();
            value.forEach(string -> joined.append(string.asText()));
            return joined.toString();
        }
        return type.equals("PTR") || type.equals("CNAME") ? normalized(value.asText()) : value.asText();
    }

    private static String normalized(String name) {
        return DomainNames.withoutFinalDot(name).toLowerCase(Locale.ROOT);
    }

    @Override
    public CompletionStage<DnsAnswer> query(String name, int type) {
        return CompletableFuture.supplyAsync(() -> lookup(name, normalized(name), type, 0), executor);
    }

    private DnsAnswer lookup(String asked, String name, int type, int depth) {
        List<Entry> entries = zone.get(name);
        if (entries == null) {
            return new DnsAnswer(asked, type, exists(name) ? DnsAnswer.Outcome.NO_DATA : DnsAnswer.Outcome.NO_SUCH_DOMAIN,
                    List.of(), "");
        }
        List<Record> found = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.type().equals(TIMEOUT)) {
                if (found.isEmpty()) {
                    return DnsAnswer.failure(asked, type, "timed out");
                }
                break;
            }
            if (entry.type().equals(Type.string(type))) {
                found.add(record(type, entry.value()));
            }
        }
        if (!found.isEmpty()) {
            return DnsAnswer.of(asked, type, found);
        }
        for (Entry entry : entries) {
            if (entry.type().equals("CNAME")) {
                return depth >= MAX_CHAIN
                        ? DnsAnswer.failure(asked, type, "CNAME loop")
                        : lookup(asked, entry.value(), type, depth + 1);
            }
        }
        return new DnsAnswer(asked, type, DnsAnswer.Outcome.NO_DATA, List.of(), "");
    }

    /** TXT as UTF-8, as a zone file holds the suite's text; MX and PTR: the host; A and AAAA: the address. */
    private static Record record(int type, String value) {
        return switch (type) {
            case Type.TXT -> DnsRecords.txt(value.getBytes(StandardCharsets.UTF_8));
            case Type.MX -> DnsRecords.mx(value);
            case Type.PTR -> DnsRecords.ptr(value);
            default -> DnsRecords.address(address(value));
        };
    }

    /** A name exists if names below it have entries (RFC 8020). */
    private boolean exists(String name) {
        return zone.keySet().stream().anyMatch(owner -> owner.endsWith("." + name));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }
}
