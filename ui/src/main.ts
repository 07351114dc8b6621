// Entry: registers the app shell (the views load on first visit).
import "./app.js";
