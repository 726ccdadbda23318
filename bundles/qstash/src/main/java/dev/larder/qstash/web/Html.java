package dev.larder.qstash.web;

/** Text written into the web console's pages. */
final class Html {

    private Html() {
    }

    /** The text with HTML's special characters escaped (for element content and quoted attributes). */
    static String escaped(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace("\"", "&quot;");
    }
}
