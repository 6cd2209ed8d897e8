package dev.postillion.mta;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Values read from the Prometheus text format that {@code GET /metrics} answers with. */
public final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final String text;

    public PrometheusText(String text) {
        this.text = text;
    }

    /** The node's series now. */
    public static PrometheusText of(TestNode node) {
        return new PrometheusText(node.get("/metrics").body());
    }

    /**
     * The value of the sample named {@code name} that has {@code labels} among its labels (in any
     * order, others ignored); empty if there is none.
     */
    public Optional<Double> value(String name, Map<String, String> labels) {
        return text.lines().map(SAMPLE::matcher).filter(Matcher::matches)
                .filter(sample -> sample.group(1).equals(name) && hasLabels(sample.group(3), labels))
                .map(sample -> Double.parseDouble(sample.group(4))).findFirst();
    }

    /** Whether a sample named {@code name} has {@code labels} among its labels. */
    public boolean has(String name, Map<String, String> labels) {
        return value(name, labels).isPresent();
    }

    /** As {@link #value}, 0 when there is no such sample. */
    public double valueOrZero(String name, Map<String, String> labels) {
        return value(name, labels).orElse(0.0);
    }

    private static boolean hasLabels(String labelText, Map<String, String> wanted) {
        Map<String, String> found = new HashMap<>();
        if (labelText != null) {
            Matcher label = LABEL.matcher(labelText);
            while (label.find()) {
                found.put(label.group(1), label.group(2));
            }
        }
        return wanted.entrySet().stream().allMatch(entry -> entry.getValue().equals(found.get(entry.getKey())));
    }
}
