package dev.postillion.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.postillion.mailbox.AddressImport.Line;
import dev.postillion.mailbox.AddressImport.Outcome;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AddressCsvTest {

    @Test
    void linesAreReadWithOptionalRedirectAndKeepFlag() {
        AddressCsv.Parsed parsed = AddressCsv.parse("""
                local part,password,redirect target,keep flag
                anna,Tr4vel-light
                bob,Tr4vel-light,bob@remote.example,0
                carl,Tr4vel-light,carl@remote.example,1
                """);
        assertEquals(List.of(
                new Line(2, "anna", "Tr4vel-light", List.of(), true),
                new Line(3, "bob", "Tr4vel-light", List.of("bob@remote.example"), true),
                new Line(4, "carl", "Tr4vel-light", List.of("carl@remote.example"), false)), parsed.lines());
        assertEquals(List.of(), parsed.refused());
    }

    @Test
    void quotedFieldsKeepSeparatorsQuotesAndLineBreaks() {
        AddressCsv.Parsed parsed = AddressCsv.parse("local part,password\r\n"
                + "anna,\"pass,word\"\"2\"\r\n"
                + "bob,\"two\nlines9\"\r\n");
        assertEquals(List.of("pass,word\"2", "two\nlines9"),
                parsed.lines().stream().map(Line::password).toList());
        assertEquals(List.of(2, 3), parsed.lines().stream().map(Line::line).toList());
    }

    @Test
    void aLineIsNumberedByThePhysicalLineItStartsOn() {
        AddressCsv.Parsed parsed = AddressCsv.parse("local part,password\r\n"
                + "anna,\"three\r\nline\npassw0rd\"\r\n"
                + "bob,\"two\rlines9\"\r\n"
                + "\r\n"
                + "carl,Tr4vel-light\n"
                + "dora\n");
        assertEquals(List.of(
                new Line(2, "anna", "three\r\nline\npassw0rd", List.of(), true),
                new Line(5, "bob", "two\rlines9", List.of(), true),
                new Line(8, "carl", "Tr4vel-light", List.of(), true)), parsed.lines());
        assertEquals(List.of(new Outcome(9, "dora", false, "has no password column")), parsed.refused());
    }

    @Test
    void withoutTheHeaderRowNothingIsRead() {
        for (String body : List.of("", "anna,Tr4vel-light\r\n", "\r\nlocal part,password\r\nanna,Tr4vel-light\r\n",
                "address,password\r\nanna,Tr4vel-light\r\n", "local,password\r\nanna,Tr4vel-light\r\n")) {
            AddressCsv.Unreadable refused = assertThrows(AddressCsv.Unreadable.class, () -> AddressCsv.parse(body),
                    body);
            assertEquals("the first line must be the header row: local part,password,redirect target,keep flag",
                    refused.getMessage());
        }
    }

    @Test
    void theHeaderMaySpellItsFirstColumnInSeveralWays() {
        for (String header : List.of("local part", " Local Part ", "LOCALPART", "local_part", "\"Local-Part\"",
                "\uFEFFlocal part")) {
            AddressCsv.Parsed parsed = AddressCsv.parse(header + ",password\nanna,Tr4vel-light\n");
            assertEquals(List.of(new Line(2, "anna", "Tr4vel-light", List.of(), true)), parsed.lines(), header);
        }
        assertEquals(List.of(), AddressCsv.parse("local part").lines(), "a header alone is read, with no lines");
    }

    @Test
    void semicolonsSeparateWhenTheHeaderUsesThem() {
        AddressCsv.Parsed parsed = AddressCsv.parse("local part;password;redirect target;keep flag\n"
                + "anna;Tr4vel,light;a@remote.example b@remote.example;1\n");
        assertEquals(List.of(new Line(2, "anna", "Tr4vel,light",
                List.of("a@remote.example", "b@remote.example"), false)), parsed.lines());
    }

    @Test
    void unreadableLinesAreRefusedWithTheReasonAndBlankLinesSkipped() {
        AddressCsv.Parsed parsed = AddressCsv.parse("""
                local part,password,redirect target,keep flag
                anna,Tr4vel-light,a@remote.example,2

                bob
                carl,Tr4vel-light,,1
                dora,Tr4vel-light,d@remote.example,0,extra
                """);
        assertEquals(List.of(
                new Outcome(2, "anna", false, "keep flag '2' must be 0 (keep a copy) or 1 (do not)"),
                new Outcome(4, "bob", false, "has no password column"),
                new Outcome(5, "carl", false, "keep flag given without a redirect target"),
                new Outcome(6, "dora", false,
                        "has 5 columns; expected local part, password, redirect target, keep flag")),
                parsed.refused());
        assertEquals(List.of(), parsed.lines());
    }

    @Test
    void exportWritesTheImportColumnsWithoutPasswords() {
        String csv = AddressCsv.export(List.of(
                address("anna", Optional.empty()),
                address("bob", Optional.of(new Address.Redirect(List.of("b1@remote.example", "b2@remote.example"),
                        false)))));
        assertEquals("local part,password,redirect target,keep flag\r\n"
                + "anna,,,\r\n"
                + "bob,,b1@remote.example b2@remote.example,1\r\n", csv);
        assertEquals(List.of("b1@remote.example", "b2@remote.example"),
                AddressCsv.parse(csv.replace("bob,,", "bob,Tr4vel-light,")).lines().get(1).redirect());
    }

    private static Address address(String localPart, Optional<Address.Redirect> redirect) {
        return new Address(localPart, "example.com", Address.Type.MAILBOX, false, List.of(), redirect,
                Optional.empty(), List.of(), List.of(), false, true, ZoneId.of("UTC"), List.of(), Optional.empty(),
                Instant.EPOCH, 0, Optional.empty());
    }
}
