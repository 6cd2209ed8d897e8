package dev.postillion.auth.spf;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;

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
final class ZoneDataDns implements SpfDns {

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
    public CompletionStage<DnsAnswer<String>> txt(String name) {
        return answer(name, "TXT", value -> value);
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> a(String name) {
        return answer(name, "A", ZoneDataDns::address);
    }

    @Override
    public CompletionStage<DnsAnswer<InetAddress>> aaaa(String name) {
        return answer(name, "AAAA", ZoneDataDns::address);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> mx(String name) {
        return answer(name, "MX", value -> value);
    }

    @Override
    public CompletionStage<DnsAnswer<String>> ptr(String name) {
        return answer(name, "PTR", value -> value);
    }

    private <T> CompletionStage<DnsAnswer<T>> answer(String name, String type, Function<String, T> data) {
        return CompletableFuture.supplyAsync(() -> lookup(normalized(name), type, data, 0), executor);
    }

    private <T> DnsAnswer<T> lookup(String name, String type, Function<String, T> data, int depth) {
        List<Entry> entries = zone.get(name);
        if (entries == null) {
            return exists(name) ? DnsAnswer.noData() : DnsAnswer.noSuchDomain();
        }
        List<T> found = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry.type().equals(TIMEOUT)) {
                if (found.isEmpty()) {
                    return DnsAnswer.failure("timed out");
                }
                break;
            }
            if (entry.type().equals(type)) {
                found.add(data.apply(entry.value()));
            }
        }
        if (!found.isEmpty()) {
            return DnsAnswer.of(found);
        }
        for (Entry entry : entries) {
            if (entry.type().equals("CNAME")) {
                return depth >= MAX_CHAIN
                        ? DnsAnswer.failure("CNAME loop")
                        : lookup(entry.value(), type, data, depth + 1);
            }
        }
        return DnsAnswer.noData();
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
