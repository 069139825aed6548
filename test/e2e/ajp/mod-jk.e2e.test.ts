// Issue #6: Apache httpd with mod_jk (a workers file with the secret) in front of the AJP connector.
import { describeFrontEnd } from './front-end-scenarios.js';

describeFrontEnd('mod-jk');
