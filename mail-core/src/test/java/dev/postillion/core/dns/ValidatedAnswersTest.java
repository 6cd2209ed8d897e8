package dev.postillion.core.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postillion.core.dns.SecureNameService.SecureAnswer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/** The bound and naming of the validated-answer cache; its TTLs are SecureNameServiceTest's. */
class ValidatedAnswersTest {

    private final ValidatedAnswers answers = new ValidatedAnswers();

    private static Name name(int i) {
        return Name.fromConstantString("host" + i + ".example.");
    }

    private static SecureAnswer absent(int i) {
        return new SecureAnswer(new DnsAnswer(name(i).toString(), Type.MX, DnsAnswer.Outcome.NO_DATA, List.of(), ""),
                true);
    }

    @Test
    void theLeastRecentlyUsedAnswerGoesWhenFull() {
        for (int i = 0; i < ValidatedAnswers.MAX_ENTRIES; i++) {
            answers.put(name(i), Type.MX, absent(i), Duration.ofMinutes(5));
        }
        answers.get("host0.example", name(0), Type.MX); // now the most recently used
        answers.put(name(-1), Type.MX, absent(-1), Duration.ofMinutes(5));

        assertTrue(answers.get("host0.example", name(0), Type.MX).isPresent());
        assertTrue(answers.get("host1.example", name(1), Type.MX).isEmpty());
        assertTrue(answers.get("host-1.example", name(-1), Type.MX).isPresent());
    }

    @Test
    void aKeptAnswerIsNamedAsAskedNow() {
        answers.put(name(1), Type.MX, absent(1), Duration.ofMinutes(5));

        assertEquals("HOST1.example", answers.get("HOST1.example", name(1), Type.MX).orElseThrow().answer().name());
    }

    @Test
    void anAnswerOfNoTimeIsNotKept() {
        answers.put(name(1), Type.MX, absent(1), Duration.ZERO);

        assertTrue(answers.get("host1.example", name(1), Type.MX).isEmpty());
    }
}
