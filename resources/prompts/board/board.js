/* board.js - enhancements of the live board (work in progress). */
"use strict";
