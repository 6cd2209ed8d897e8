package dev.postillion.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Our UTS 46 conversion against an independent implementation: Python's {@code idna} package
 * (Debian's python3-idna, IDNA2008 with the UTS 46 mapping), over thousands of generated names in
 * Latin, Greek, Cyrillic, Japanese and Chinese letters, upper and lower case, with the mistakes
 * names are made with (empty and over-long labels, hyphens at the ends and in positions 3 and 4).
 * Both must accept the same names and give the same A-labels.
 */
class DomainNameInteropTest {

    private static final int CASES = 4000;
    private static final String PYTHON = "/usr/bin/python3";
    /** One name a line in, "ok <a-labels>" or "error" a line out. */
    private static final String SCRIPT = String.join("\n",
            "import sys, idna",
            "for line in sys.stdin:",
            "    name = line.rstrip('\\n')",
            "    try:",
            "        print('ok ' + idna.encode(name, uts46=True, std3_rules=True).decode('ascii'))",
            "    except (idna.IDNAError, UnicodeError):",
            "        print('error')",
            "");

    private static final String[] ALPHABETS = {
            "abcdefghijklmnopqrstuvwxyz0123456789",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "àáâãäåæçèéêëìíîïñòóôõöøùúûüýþÿß",
            "ÀÁÂÄÇÉÑÖÜ",
            "āăąćčďēęěğīıłńňőœřśşšťūůűźżž",
            "αβγδεζηθικλμνξοπρστυφχψω",
            "абвгдежзийклмнопрстуфхцчшщыьэюя",
            "あいうえおかきくけこさしすせそたちつてと",
            "中文域名测试邮件服务器",
    };

    @Test
    void asPythonsIdnaConvertsThem() throws IOException, InterruptedException {
        assumeTrue(pythonHasIdna(), "Debian's python3-idna is not installed");
        SplittableRandom random = new SplittableRandom(46);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            names.add(name(random));
        }
        List<String> theirs = python(names);
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            String ours = DomainName.parse(names.get(i)).map(name -> "ok " + name.ascii()).orElse("error");
            if (!ours.equals(theirs.get(i))) {
                disagreements.add("case " + i + " \"" + names.get(i) + "\": ours " + ours + ", Python's " + theirs.get(i));
            }
        }
        long accepted = theirs.stream().filter(answer -> answer.startsWith("ok xn--") || answer.contains(".xn--")).count();
        assertTrue(accepted > CASES / 5 && accepted < CASES * 4 / 5, accepted + " accepted names in A-labels: both kinds are tried");
        assertEquals(List.of(), disagreements.subList(0, Math.min(10, disagreements.size())),
                disagreements.size() + " of " + CASES + " names converted differently");
    }

    private static String name(SplittableRandom random) {
        int labels = 1 + random.nextInt(4);
        StringBuilder name = new StringBuilder();
        for (int l = 0; l < labels; l++) {
            if (l > 0) {
                name.append('.');
            }
            name.append(label(random));
        }
        return name.append(random.nextInt(4) == 0 ? ".com" : ".example").toString();
    }

    private static String label(SplittableRandom random) {
        int shape = random.nextInt(20);
        if (shape == 0) {
            return "";                                     // an empty label
        }
        String alphabet = ALPHABETS[random.nextInt(ALPHABETS.length)];
        int length = shape == 1 ? 64 + random.nextInt(10) : 1 + random.nextInt(12);
        StringBuilder label = new StringBuilder();
        for (int i = 0; i < length; i++) {
            label.append(alphabet.charAt(random.nextInt(alphabet.length())));
            if (random.nextInt(8) == 0) {
                label.append('-');                         // inner, trailing, or in positions 3 and 4
            }
        }
        if (shape == 2) {
            label.insert(0, '-');
        }
        return label.toString();
    }

    private static List<String> python(List<String> names) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(PYTHON, "-c", SCRIPT).redirectErrorStream(true).start();
        // Written from a thread of its own: the answers fill the pipe while names are still going in.
        Thread writer = new Thread(() -> {
            try (Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
                for (String name : names) {
                    in.write(name + "\n");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        writer.start();
        List<String> answers = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                answers.add(line);
            }
        }
        assertEquals(true, process.waitFor(60, TimeUnit.SECONDS), "python finished");
        assertEquals(names.size(), answers.size(), "an answer per name: " + answers.subList(0, Math.min(5, answers.size())));
        return answers;
    }

    private static boolean pythonHasIdna() throws InterruptedException {
        try {
            return new ProcessBuilder(PYTHON, "-c", "import idna").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
