package dev.postillion.queue.routing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.postillion.core.DomainName;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A configured map from domains to values, as Postfix's lookup tables of domains match them: a
 * domain's own key ({@code "example.com"}), else the key of its nearest parent written with a
 * leading dot ({@code ".example.com"} matches {@code a.b.example.com}, not {@code example.com}).
 *
 * <p>Domains are compared in their A-label form ({@link DomainName}), lower-cased as DNS compares
 * them (RFC 4343): a key written {@code "bücher.example"} or {@code "xn--bcher-kva.example"} matches
 * a recipient domain in either form, as an SMTPUTF8 client may send U-labels (RFC 6531).
 */
public final class DomainMap<V> {

    /** Keys in A-labels, a parent entry with its leading dot. */
    private final Map<String, V> entries;

    private DomainMap(Map<String, V> entries) {
        this.entries = Map.copyOf(entries);
    }

    /**
     * @param config the whole configuration, so that errors name the full key
     * @param path the object of entries, such as {@code postillion.delivery.transport}
     * @param expected what a value is, for the error when it is not a string: {@code a next hop such as "[host]:port"}
     * @param parse reads a value; an {@link IllegalArgumentException} says what is wrong with it
     * @throws ConfigException naming the key of an entry that cannot be read
     */
    public static <V> DomainMap<V> from(Config config, String path, String expected, Function<String, V> parse) {
        Map<String, V> entries = new HashMap<>();
        for (Map.Entry<String, ConfigValue> entry : config.getObject(path).entrySet()) {
            String entryPath = path + "." + ConfigUtil.joinPath(entry.getKey());
            ConfigValue value = entry.getValue();
            if (value.valueType() != ConfigValueType.STRING) {
                throw new ConfigException.BadValue(value.origin(), entryPath,
                        "expected " + expected + "; write domain keys in quotes, as \"example.com\" = ...");
            }
            boolean parentEntry = entry.getKey().startsWith(".");
            Optional<DomainName> name = DomainName.parse(entry.getKey().substring(parentEntry ? 1 : 0));
            if (name.isEmpty()) {
                throw new ConfigException.BadValue(value.origin(), entryPath, "the key is neither a domain nor .domain");
            }
            // Keys in A-labels, as find() looks them up: "bücher.example" and its A-label form are one entry.
            String domain = (parentEntry ? "." : "") + name.get().ascii();
            try {
                entries.put(domain, parse.apply((String) value.unwrapped()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException.BadValue(value.origin(), entryPath, e.getMessage());
            }
        }
        return new DomainMap<>(entries);
    }

    /** The value of the domain's own entry, else of its nearest parent's {@code .domain} entry. */
    public Optional<V> find(String domain) {
        String name = DomainName.key(domain);
        V own = entries.get(name);
        if (own != null) {
            return Optional.of(own);
        }
        // Parents nearest first: ".b.example.com", ".example.com", ".com" for "a.b.example.com".
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            V parent = entries.get(name.substring(dot));
            if (parent != null) {
                return Optional.of(parent);
            }
        }
        return Optional.empty();
    }
}
