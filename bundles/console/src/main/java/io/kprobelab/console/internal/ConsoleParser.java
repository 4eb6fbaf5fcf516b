package io.kprobelab.console.internal;

import java.util.List;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.SyntaxError;

/**
 * Gogo's line parser with the cursor of a quoted word put right. Gogo's {@code ParsedLineImpl}
 * maps the cursor from the raw word ({@code 'r:myret sys_mk}) into the unquoted one
 * ({@code r:myret sys_mk}) only when the cursor is inside the raw word, never at its end: Tab at
 * the end of a quoted word got a cursor one past the word's end, and JLine's completion matcher
 * threw {@code StringIndexOutOfBoundsException} out of {@code readLine}, which ended Gogo's shell.
 */
final class ConsoleParser implements Parser {

    private final Parser gogo;

    ConsoleParser(Parser gogo) {
        this.gogo = gogo;
    }

    @Override
    public ParsedLine parse(String line, int cursor, ParseContext context) throws SyntaxError {
        ParsedLine p = gogo.parse(line, cursor, context);
        return p instanceof CompletingParsedLine c ? new Line(c) : p;
    }

    /** The parsed line, its word cursor within its word. */
    static final class Line implements CompletingParsedLine {
        private final CompletingParsedLine gogo;

        Line(CompletingParsedLine gogo) {
            this.gogo = gogo;
        }

        /** At most the word's length: past its end only when Gogo left the raw cursor unmapped (at the end). */
        @Override
        public int wordCursor() {
            return Math.min(gogo.wordCursor(), gogo.word().length());
        }

        /** True when the word under the cursor is in quotes (single or double), closed or not. */
        boolean quoted() {
            int start = gogo.cursor() - gogo.rawWordCursor();
            String l = gogo.line();
            if (start < 0 || start >= l.length() || gogo.rawWordLength() == 0) {
                return false;
            }
            char c = l.charAt(start);
            return c == '\'' || c == '"';
        }

        @Override
        public String word() {
            return gogo.word();
        }

        @Override
        public int wordIndex() {
            return gogo.wordIndex();
        }

        @Override
        public List<String> words() {
            return gogo.words();
        }

        @Override
        public String line() {
            return gogo.line();
        }

        @Override
        public int cursor() {
            return gogo.cursor();
        }

        @Override
        public CharSequence escape(CharSequence candidate, boolean complete) {
            return gogo.escape(candidate, complete);
        }

        @Override
        public int rawWordCursor() {
            return gogo.rawWordCursor();
        }

        @Override
        public int rawWordLength() {
            return gogo.rawWordLength();
        }
    }
}
