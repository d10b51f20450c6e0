#!/usr/bin/env python3
"""Build the Northwind Lattice sample knowledge base (BEIR format).

Northwind Lattice is a fictional company. Everything in this corpus is invented
for demonstrating hard-negative mining and re-ranking; it is released as CC0.

Run from the repository root:

    python3 scripts/build_sample_kb.py

Outputs (deterministic) are written to hardneg_haystack/sample_data/kb/.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "hardneg_haystack" / "sample_data" / "kb"

DOCS: list[dict] = []


def D(slug: str, section: str, title: str, body: str) -> None:
    """Register one document. Paragraphs are separated by blank lines."""
    DOCS.append({"slug": slug, "section": section, "title": title, "body": body.strip()})


# ---------------------------------------------------------------------------
# IT help desk: short articles
# ---------------------------------------------------------------------------

D(
    "vpn-windows",
    "it",
    "Installing and connecting NWL Connect VPN on Windows",
    """
NWL Connect is the VPN client you need to reach internal systems such as the finance reporting server, the build farm and the legacy S: drive from outside an office. On company-managed Windows laptops it is installed automatically by Intune within a few hours of first sign-in, so check the system tray for the blue lattice icon before downloading anything.

If the icon is missing, open Company Portal, search for "NWL Connect" and click Install. The package is about 90 MB and needs a restart on Windows 10; Windows 11 machines usually do not.

To connect, click the tray icon, confirm the portal is vpn.northwindlattice.com and sign in with your NWL ID email address. Approve the push notification in NWL Verify on your phone. The icon turns solid blue when the tunnel is up, and your gateway (US-West, EU-Dublin or CA-Toronto) is picked automatically based on latency.

If you see "Gateway unreachable", check that you are not behind a hotel or airline captive portal first. For anything else, collect the log bundle from Settings > Troubleshooting > Collect Logs and attach it to a ServicePoint ticket.
""",
)

D(
    "vpn-macos",
    "it",
    "Setting up NWL Connect VPN on a Mac",
    """
On managed Macs, NWL Connect is pushed by Jamf and appears in the menu bar, but macOS will not let the tunnel start until the network extension has been approved. The first time you open the app you will see a "System Extension Blocked" message. Open System Settings > Privacy & Security, scroll to the bottom and click Allow next to "NWL Connect". On macOS Sonoma and later you may also need to toggle the app on under General > Login Items & Extensions > Network Extensions.

If you installed the app yourself from Self Service and the Allow button never appears, quit the app, run Self Service again and choose "Repair NWL Connect"; this reinstalls the configuration profile that pre-approves the extension.

Connect from the menu bar icon, sign in with your NWL ID and approve the NWL Verify prompt. Apple silicon Macs need version 6.2 or newer of the client; older versions install but fail silently with a grey icon. Check the version under About NWL Connect.
""",
)

D(
    "vpn-new-phone-mfa",
    "it",
    "VPN stopped working after you changed your phone",
    """
NWL Connect uses the same NWL Verify push approval as the rest of NWL ID, and the push registration is tied to the physical phone, not your phone number. If you got a new phone, restored a phone from backup, or reinstalled NWL Verify, the VPN will keep waiting for an approval that goes to the old device and then fail with "MFA timeout (code 412)".

Fix it in this order. First, sign in to id.northwindlattice.com from a browser on your laptop; if you can still reach the old phone, approve the prompt there and go to Settings > Extra Verification > Set up new device. If you no longer have the old phone, call the Service Desk on extension 4357 (+1 503 555 0143 from outside) and ask for a one-time bypass code after verifying your identity.

Once the new phone is enrolled, fully quit NWL Connect (right-click the icon, Exit) and reopen it. The client caches the old device token for up to 12 hours otherwise, which is why some people see the error even after enrolling correctly.
""",
)

D(
    "vpn-linux",
    "it",
    "Using the VPN from Linux workstations",
    """
Engineering staff on Linux do not get the NWL Connect GUI. Instead we support openconnect 9.x with the GlobalProtect protocol against vpn.northwindlattice.com. Ubuntu 22.04 and Fedora 39 are tested; other distributions usually work but are best-effort.

Install openconnect and the NetworkManager plugin (network-manager-openconnect-gnome on Ubuntu). Add a new VPN connection of type "Multi-protocol VPN client (openconnect)", choose GlobalProtect as the protocol and set the gateway to vpn.northwindlattice.com. When prompted, enter your NWL ID password followed by the word "push" in the second-factor field; that triggers an NWL Verify notification.

Certificate-based login is required for build farm access. Request a machine certificate from the #it-linux channel; you will receive a PKCS#12 file valid for one year. Do not copy it between machines, because the certificate is bound to the hostname and is revoked if it appears from two addresses.
""",
)

D(
    "vpn-slow-split-tunnel",
    "it",
    "VPN is connected but everything is slow",
    """
Since March we run NWL Connect in split-tunnel mode: only traffic for internal ranges (10.0.0.0/8, the build farm, the S: drive and internal web apps) goes through the tunnel. Video calls, Lattice Cloud sync, Microsoft 365 and general browsing go straight out over your home connection. If everything is slow while connected, the VPN is rarely the cause.

Run the speed test at speed.northwindlattice.com both with and without the VPN. If the difference is under 20 percent, the bottleneck is your local network. If internal sites specifically are slow, note which gateway you are on (hover over the tray or menu bar icon) and try a manual switch; the Dublin gateway is often faster for staff in continental Europe even if Toronto shows lower latency.

Never enable "Tunnel all traffic" unless the Service Desk asks you to. It was kept only for diagnostics and roughly halves throughput on video meetings.
""",
)

D(
    "vpn-captive-portal",
    "it",
    "Connecting to VPN from a hotel, airport or train Wi-Fi",
    """
Public networks usually put you behind a captive portal, a web page where you accept terms or enter a room number before the internet works. NWL Connect cannot complete its handshake until that page has been accepted, and it reports "Gateway unreachable" instead.

Before connecting, open a browser and go to a plain HTTP site such as neverssl.com. The captive portal page should appear; complete it, then start the VPN. If the page never appears, disable the "Always On" option temporarily from the client's settings menu, which allows the browser to reach the portal.

Some hotels and trains block the UDP port that the VPN prefers. The client automatically falls back to TCP 443 after about 30 seconds, so wait before giving up. In-flight Wi-Fi on most airlines does not permit VPNs at all; use Lattice Cloud and webmail, which do not need the tunnel.
""",
)

D(
    "mfa-new-phone",
    "it",
    "Moving NWL Verify to a new phone",
    """
Plan the move before you wipe or trade in your old phone. With both phones in hand, sign in at id.northwindlattice.com, open Settings > Extra Verification and choose "Set up new device". Scan the QR code with NWL Verify on the new phone, approve the test push, and then remove the old device from the list.

Your phone number is not used for sign-in approval, so keeping the same number does not carry the enrollment over. Restoring the new phone from an iCloud or Google backup also does not move it, because the keys are stored in the phone's secure hardware.

If you use a hardware security key as well, you do not need to re-register it; only the phone entry changes. After the move, expect one extra prompt in each app the next time you sign in. If you already wiped the old phone, see the article on lost or unavailable devices instead.
""",
)

D(
    "mfa-lost-phone",
    "it",
    "Lost your phone or cannot receive sign-in approvals",
    """
If your phone is lost, stolen, broken or simply left at home, you can still work for the day. Call the Service Desk on extension 4357 or +1 503 555 0143. After the analyst verifies you with your employee number and a question from your manager's approval chain, they will issue a temporary bypass code valid for eight hours. Enter it when NWL ID asks for verification.

A bypass code works for all NWL ID applications, including the VPN, but it can be issued at most three times in any 30-day period. After that, you will need to enroll a replacement device or a hardware key.

If the phone was lost or stolen, also tell us so we can remove the NWL Verify registration and wipe the work profile from the device. Company data inside Outlook and Lattice Cloud on the phone is removed remotely; your personal photos and apps are not touched.
""",
)

D(
    "mfa-hardware-key",
    "it",
    "Requesting and registering a hardware security key",
    """
Hardware security keys (YubiKey 5 series) are required for administrators of production systems and available to anyone else who prefers them to phone approvals, for example staff who travel to countries where their phone is switched off.

Request a key in ServicePoint under Hardware > Security Key. Office staff collect them from the IT bar; remote staff receive them by tracked courier within five business days. Every person gets two keys, a primary and a backup. Keep the backup somewhere other than your laptop bag.

To register, sign in at id.northwindlattice.com, go to Settings > Extra Verification > Add security key, insert the key and touch it when it blinks. Repeat for the backup. Give each key a name you will recognise, like "Blue keyring" or "Desk drawer". Keys work over USB-C and NFC, so the same key can approve sign-ins on a phone.
""",
)

D(
    "password-reset",
    "it",
    "Resetting a forgotten NWL ID password",
    """
You can reset your own password at any time at id.northwindlattice.com/reset. Enter your work email address, approve the NWL Verify prompt or touch your security key, and choose a new password. The new password takes effect across email, Slack, ServicePoint and the VPN within about five minutes.

Passwords must be at least 14 characters. We do not require special characters or periodic changes, but the portal rejects passwords that appear in known breach lists or contain your name or "Northwind". A short sentence such as four unrelated words is easier to remember and stronger than a complicated eight-character string.

If you cannot reset because you also lost access to NWL Verify, call the Service Desk. Analysts will never ask you to tell them your password, and they will never ask you to read out a code from your phone over chat.
""",
)

D(
    "password-expired-remote",
    "it",
    "Password changed but laptop still wants the old one",
    """
Windows laptops that are joined to the domain cache your last password so you can sign in offline. If you change your NWL ID password while away from the office and not connected to the VPN, the laptop does not learn the new password, and you end up with two: the new one for web apps and the old one for unlocking the laptop.

To sync them, sign in to the laptop with your old password, connect NWL Connect, then press Ctrl+Alt+Del and choose Lock. Unlock with your new password. This forces Windows to verify against the domain controller over the tunnel and update the cache. You may see a banner asking you to lock and unlock once more; do so.

Macs use platform single sign-on and update automatically the next time they are online, but it can take up to an hour. If the Keychain keeps asking for the old password, choose "Update Keychain Password" and enter the old one when prompted.
""",
)

D(
    "account-locked",
    "it",
    "Account locked after too many sign-in attempts",
    """
NWL ID locks an account for 30 minutes after ten failed password attempts in a row. The most common cause is not a typo but an old device: a phone mail app, a tablet or a forgotten laptop still trying your previous password every few minutes.

Wait for the lock to expire or call the Service Desk to unlock it immediately. Then check id.northwindlattice.com > Settings > Recent Activity, which lists failed attempts with the device type and approximate location. Update or remove the password on anything listed that you no longer use.

If the activity shows attempts from a country you have not been in, do not just unlock and move on. Report it as a security incident through ServicePoint or security@northwindlattice.com so the security team can check whether your password was exposed.
""",
)

D(
    "wifi-corporate",
    "it",
    "Connecting to office Wi-Fi",
    """
All offices broadcast two networks. NWL-Corp is for company laptops and gives the same access as a wired desk connection, including printers and internal sites without the VPN. NWL-Guest is internet-only and intended for visitors and personal devices.

Managed laptops join NWL-Corp automatically using a device certificate installed by Intune or Jamf; you do not need to type anything. If your laptop shows NWL-Corp as "No internet" or keeps asking for a password, the certificate has probably expired. Connect to NWL-Guest, open Company Portal (Windows) or Self Service (Mac) and run "Renew Wi-Fi certificate", then forget and rejoin NWL-Corp.

Personal phones and tablets should never be connected to NWL-Corp, and the network will refuse them anyway. Use NWL-Guest; the daily password is shown on the screens by reception.
""",
)

D(
    "wifi-guest-visitors",
    "it",
    "Wi-Fi access for visitors and contractors",
    """
Visitors sign in at reception using the Envoy kiosk, which prints a badge with that day's NWL-Guest password. The password rotates at 04:00 local time. Guest access is capped at 25 Mbps per device and blocks peer-to-peer traffic and outbound SMTP.

Contractors working on site for more than a week should not live on the guest network. Their sponsoring manager can request a contractor account in ServicePoint (Access > Contractor onboarding), which includes a managed laptop or, for contractors who must use their own hardware, a time-limited certificate for NWL-Contractor, a separate network with access only to the systems listed in the request.

For events with more than 30 external guests, such as customer workshops in the Portland event space, open a ticket at least five business days in advance so we can provision a dedicated SSID and raise the bandwidth cap.
""",
)

D(
    "printer-add",
    "it",
    "Adding an office printer to your laptop",
    """
Every floor in Portland, Dublin and Toronto has at least one multifunction printer, and they all print through a single queue called NWL-FollowMe. You do not need to pick a physical printer; you print to the queue and release the job at whichever device you walk up to.

On Windows, open Company Portal and install "NWL FollowMe Printing". On a Mac, open Self Service and click Install next to "FollowMe Printer". The queue then appears in every print dialog. Printing requires being on NWL-Corp Wi-Fi or a wired desk connection; it does not work over the VPN from home.

Defaults are black-and-white and double-sided. You can change both in the print dialog, but colour printing is charged to your department's cost centre at a higher rate, so use it for customer-facing material only.
""",
)

D(
    "printer-secure-release",
    "it",
    "Releasing print jobs with your badge",
    """
Jobs sent to NWL-FollowMe wait on the print server for up to 24 hours and are then deleted. To print, tap your building badge on the reader beside any printer's touch screen. Your waiting jobs appear; choose Print All or select individual jobs.

The first time you use a printer you will be asked to link your badge. Enter your NWL ID username and password on the printer screen once; after that, the badge alone is enough in every office.

If the reader beeps twice and shows "Card not recognised", your badge may have been replaced recently. Ask reception to re-sync it, or use the "Sign in with username" option on the touch screen for now. Confidential documents such as offer letters and performance reviews should always be printed this way; never change the queue to print immediately.
""",
)

D(
    "laptop-refresh",
    "it",
    "Laptop refresh and replacement requests",
    """
Company laptops are replaced on a three-year cycle for most staff and a two-year cycle for engineers on build-intensive teams. About six weeks before your refresh date, ServicePoint emails you a link to choose between the standard models: a 14-inch MacBook Pro, a Lenovo ThinkPad X1 Carbon, or, for engineers, a 16-inch MacBook Pro or ThinkPad P1.

You can check your refresh date under My Equipment in ServicePoint. Early replacement outside the cycle needs a business reason and your manager's approval; performance problems alone are usually fixed with a reimage first.

When the new laptop arrives, you have 14 days to move your files and return the old one using the prepaid box it came in. Do not wipe it yourself. IT erases and reuses or recycles devices according to our e-waste policy, and a laptop that is reset before return loses its asset lock record, which creates extra work.
""",
)

D(
    "laptop-damaged",
    "it",
    "Reporting a damaged laptop",
    """
Accidents happen: cracked screens, liquid spills, a bag dropped on a station platform. Report damage in ServicePoint under Hardware > Damaged device as soon as possible, even if the laptop still works. Include a photo and a short description of what happened. There is no charge to you for accidental damage and no need to involve your manager.

For liquid spills, switch the laptop off immediately, unplug it, and do not try to dry it with a hair dryer or turn it back on to check. Turn it upside down in a tent shape and leave it. Keyboards and logic boards survive far more often when they are not powered on while wet.

Office staff will receive a loaner the same day from the IT bar. Remote staff get a loaner by courier, normally within two business days, and the damaged device goes back in the same box. Because your files live in Lattice Cloud, you should lose little or nothing.
""",
)

D(
    "laptop-lost-stolen",
    "it",
    "Lost or stolen laptop",
    """
Report a lost or stolen laptop within one hour of noticing, even outside working hours. Call the Service Desk (+1 503 555 0143, answered 24/7 for this purpose) or email security@northwindlattice.com. Speed matters more than detail: we can lock the device and revoke its sessions before anyone has time to try your password.

We will lock the laptop, trigger a remote wipe the next time it connects, sign you out of all NWL ID sessions and issue a replacement. If it was stolen, also report it to the local police and send the report reference number to the Service Desk; our insurer requires it.

Because laptops use full-disk encryption, a lost device is almost never a data breach, but the security team still records every case. Repeated losses are reviewed with your manager. You are not personally charged for a lost laptop.
""",
)

D(
    "peripherals-order",
    "it",
    "Ordering monitors, docks, keyboards and headsets",
    """
Standard peripherals are free to order and do not need manager approval. In ServicePoint go to Hardware > Peripherals. The catalogue includes a 27-inch 4K monitor (one per person, two for engineers and designers), a USB-C dock, a wireless keyboard and mouse, a noise-cancelling headset and a webcam.

Office desks already have a dock and monitor, so order for home only if you work remotely at least two days a week. Items ship from our supplier and usually arrive in three to five business days in the US and Canada and five to eight in Ireland and the UK.

Anything outside the catalogue, such as an ergonomic split keyboard or a vertical mouse recommended by an occupational health assessment, can be requested through the "Non-standard peripheral" form. Those are approved by IT and reimbursed through HR's home office budget rather than ordered centrally.
""",
)

D(
    "software-request",
    "it",
    "Requesting software that is not in Self Service or Company Portal",
    """
Around 180 approved applications can be installed directly from Company Portal on Windows and Self Service on macOS with no ticket. Check there first, including under the "Developer" and "Design" categories.

For anything else, submit a Software Request in ServicePoint. You will be asked for the vendor, what you need it for, whether it handles customer data, and who pays for any licence. Free tools that do not touch customer data are typically reviewed within three business days. Paid tools, browser-based services that store company data and anything using AI on customer content go through a security and procurement review that takes two to four weeks.

Please do not install software by copying it from a colleague or using a personal licence. Unapproved applications are flagged by endpoint protection, and the Service Desk may remove them without notice.
""",
)

D(
    "local-admin-rights",
    "it",
    "Getting temporary administrator rights on your laptop",
    """
Standard accounts on company laptops do not have administrator rights. When you need them briefly, for example to install a printer driver for a customer visit or to test an installer, use the Elevate tool instead of opening a ticket.

On Windows, right-click the application and choose "Run with Elevate". On a Mac, open the Elevate app from the menu bar and click Request Admin. Enter a short reason. Most requests are approved automatically and give you admin rights for 30 minutes; everything you do in that window is logged.

Engineers on the platform and build teams can request a permanent developer profile, which allows Docker, Homebrew and package managers without elevation. It needs approval from your manager and the security team and is reviewed every six months.
""",
)

D(
    "shared-mailbox",
    "it",
    "Getting access to a shared mailbox",
    """
Shared mailboxes such as support@, invoices@ and press@ are owned by a team, not by IT. To get access, submit an Access Request in ServicePoint, choose Email > Shared mailbox and pick the mailbox from the list. The request goes to the mailbox owner for approval, not to your manager.

After approval, the mailbox appears automatically in Outlook on Windows and Mac within about an hour; restart Outlook if it does not. In Outlook on the web, right-click Folders and choose "Add shared folder". On phones, shared mailboxes are not shown in the Outlook app by default; tap the account icon, Add Shared Mailbox, and type the address.

There are two permission levels: Read and Send As. Send As lets you send mail that appears to come from the shared address. Ask for it only if your role requires replying to customers from that address.
""",
)

D(
    "distribution-list",
    "it",
    "Creating or changing an email distribution list",
    """
Any permanent employee can create a distribution list for a team, project or event. In ServicePoint choose Email > New distribution list and give it a name starting with "dl-", such as dl-dublin-social or dl-q3-launch. You must name at least two owners so the list does not become orphaned when someone leaves.

Owners can add and remove members themselves in Outlook by opening the group card and choosing Edit members. By default, only people inside Northwind Lattice can send to a list. If external senders such as a partner company need to email the list, tick "Allow external senders" and explain why; security will approve it within one business day.

Lists with no messages in 12 months are flagged to owners and deleted 30 days later if nobody responds. For collaboration with files and a shared calendar, a Microsoft 365 group or a Slack channel is usually a better fit than a list.
""",
)

D(
    "phishing-report",
    "it",
    "Reporting a suspicious email",
    """
If an email looks suspicious, do not click links, open attachments or reply. In Outlook, select the message and click the "Report Phish" button in the ribbon, or use the three-dot menu in Outlook on the web and mobile. The message is removed from your inbox and sent to the security team for analysis.

Common signs include urgent payment or gift card requests, login pages that are not id.northwindlattice.com, unexpected shared-file notifications and senders whose display name matches an executive but whose address does not. External messages carry a yellow "EXTERNAL" banner; be extra careful when one claims to be internal.

If you already clicked a link or entered your password, report it anyway and then reset your password immediately at id.northwindlattice.com/reset. Nobody will be disciplined for reporting their own mistake, and quick reports are how we contain campaigns before they spread.
""",
)

D(
    "out-of-office",
    "it",
    "Setting an automatic out-of-office reply",
    """
In Outlook for Windows, go to File > Automatic Replies. On a Mac, choose Tools > Automatic Replies. In Outlook on the web, open Settings > Mail > Automatic replies. Set a start and end time so you do not forget to turn it off.

You can write separate messages for people inside and outside the company. For external senders, keep it short, avoid mentioning that you are travelling or your exact return date if you handle sensitive accounts, and give a shared address such as support@ rather than a colleague's personal email.

Time off approved in PeopleHub does not set your auto-reply, but it does block your calendar. If you are on extended leave such as parental leave, ask your manager to request mail forwarding or a delegate through ServicePoint rather than leaving your mailbox unattended for months.
""",
)

D(
    "meeting-rooms",
    "it",
    "Booking meeting rooms and desks",
    """
Meeting rooms in all offices are booked through Outlook. Create a meeting, click Room Finder, choose the building and floor, and pick a room; the room accepts or declines automatically. Rooms are listed with capacity and equipment, for example "PDX-4 Cascade (8, Zoom Room)".

Rooms not checked in on the touch panel outside the door within ten minutes of the start time are released automatically. Recurring bookings are limited to six months and to rooms with fewer than 12 seats, so large rooms remain available for all-hands and customer visits.

Hot desks in Dublin and Toronto are booked through the Envoy app rather than Outlook. Portland desks are assigned to teams by floor and do not need booking. If a room's screen or camera is broken, report it with the room name in ServicePoint so facilities and IT can see which room it affects.
""",
)

D(
    "zoom-room-issues",
    "it",
    "Video conference room equipment not working",
    """
Most rooms with six or more seats have a Zoom Room kit: a touch controller on the table, a camera bar and a ceiling microphone. When something does not work, try the controller first. Tap the gear icon, choose Restart, and wait two minutes. This fixes most frozen screens and missing cameras.

If the room's screen shows "No signal" when you plug in a laptop, use the HDMI cable marked with green tape. The USB-C adapters in the cable caddy are fragile and the most common failure point. Share wirelessly instead by pressing Share Screen on the controller and entering the code shown on the display in the Zoom desktop app.

For urgent problems during an external meeting, call extension 4357 and say it is a room emergency; the on-site IT technician in Portland and Dublin will come to the room. In Toronto, where there is no on-site technician, remote support can restart the kit for you.
""",
)

D(
    "slack-channels",
    "it",
    "Slack channels, guests and retention",
    """
Anyone can create a public Slack channel. Use a prefix that shows what the channel is for: team- for teams, proj- for projects, help- for support channels, and social- for everything else. Private channels are for sensitive topics such as HR cases, hiring loops or customer incidents, not for general team chatter.

To invite someone from outside the company, you need a Slack Connect channel or a guest account. Slack Connect is preferred for partners who have their own Slack workspace. Single-channel guest accounts are requested in ServicePoint, require a sponsor, and expire after 90 days unless renewed.

Messages and files in Slack are retained for 18 months and then deleted, except in channels placed on legal hold. Do not use Slack as the record for decisions or customer commitments; write them up in the wiki or the CRM.
""",
)

D(
    "s-drive-mapping",
    "it",
    "Accessing the legacy S: drive",
    """
The S: drive (\\\\fs01.corp.northwindlattice.com\\shared) is the old Windows file server from before we moved to Lattice Cloud. It is read-only for most departments since last year, but finance, legal and facilities still keep some archives there.

On a Windows laptop in the office or connected to the VPN, the drive is mapped automatically at sign-in. If it is missing, open File Explorer, right-click This PC, choose Map network drive, select S: and enter the path above. Tick "Reconnect at sign-in".

On a Mac, open Finder, press Cmd+K and enter smb://fs01.corp.northwindlattice.com/shared. Use your NWL ID username without the domain.

The file server will be retired at the end of next year. If your team still writes to it, talk to the Service Desk about migrating your folders into a Lattice Cloud team folder.
""",
)

D(
    "laptop-backup",
    "it",
    "What is backed up on your laptop",
    """
We do not run a traditional full-disk backup of laptops. Instead, your Desktop, Documents and Downloads folders are redirected into Lattice Cloud when the laptop is set up, so those files are continuously synced and versioned. Anything inside those folders is safe if the laptop is lost or replaced.

Files elsewhere are not backed up. That includes code checked out into a home directory such as ~/src or C:\\dev, virtual machines, Docker volumes, browser profiles and anything on an external drive. Engineers should push work to GitHub at least daily. Browser bookmarks and passwords sync through your work browser profile if you are signed in.

To check, open the Lattice Desk app and confirm the Desktop, Documents and Downloads entries show a green tick under Backed-up folders. If any are missing, click Fix; never move those folders manually.
""",
)

D(
    "bitlocker-recovery",
    "it",
    "BitLocker recovery key screen on a Windows laptop",
    """
A blue screen asking for a 48-digit BitLocker recovery key usually appears after a firmware or BIOS update, a docking station change, or after the laptop's TPM chip detects a hardware change. It does not mean your data has been lost.

You can retrieve the key yourself from another device. Go to id.northwindlattice.com, open My Devices, choose the laptop by its asset tag (on the sticker under the laptop), and click Show recovery key. You will be asked to approve an NWL Verify prompt. Type the key on the blue screen; the key ID shown on the screen must match the first eight characters of the ID in the portal.

After the laptop starts, connect to the internet and leave it on for 15 minutes so Intune can rotate the key. If the recovery screen appears more than twice in a week, open a ticket; the TPM may need to be cleared.
""",
)

D(
    "filevault-recovery",
    "it",
    "Mac asks for a FileVault recovery key",
    """
If your Mac shows a lock screen asking for a recovery key, or your password is not accepted at startup after a macOS upgrade, you can unlock it with the personal FileVault recovery key that Jamf escrowed when the Mac was set up.

From another device, sign in to id.northwindlattice.com, open My Devices, choose the Mac by its serial number, and click Show recovery key. The key has the format XXXX-XXXX-XXXX-XXXX-XXXX-XXXX. On the Mac, click the question mark next to the password field and choose to reset using your recovery key.

Once you are signed in, Jamf automatically generates and escrows a new key within a day, so the one you used stops working. If no key is listed for your Mac, do not erase it; contact the Service Desk, who can use the institutional recovery key on site.
""",
)

D(
    "os-updates",
    "it",
    "Operating system updates and deadlines",
    """
Security updates for Windows and macOS are released to company laptops in rings. IT and a pilot group receive them on day one, most staff on day four, and executives and build servers on day seven. Once an update reaches your ring, you have seven days to install it before the laptop restarts automatically outside your working hours.

You can defer a restart up to three times, but not past the deadline. Laptops that miss two monthly updates are flagged as non-compliant and lose access to Lattice Cloud admin consoles and production systems until they are patched.

Major macOS and Windows feature upgrades, such as a new macOS version, are held back for about six weeks while we test critical apps. Please do not upgrade early through System Settings; the option is hidden on managed Macs, and upgrades through other means can break the VPN network extension.
""",
)

D(
    "browser-extensions",
    "it",
    "Approved browser extensions",
    """
Chrome and Edge on company laptops only allow extensions from an approved list, because extensions can read every page you visit, including internal tools and customer data in the admin console. The approved list includes the password manager, Grammarly Business, the Zoom and Slack scheduling add-ons, React and Vue developer tools, and a handful of accessibility tools such as screen readers and dyslexia-friendly fonts.

To request another extension, submit a Software Request and include the extension's store link. Security reviews the requested permissions; extensions that need "read and change all your data on all websites" are rarely approved unless there is no alternative.

Firefox is supported for web development testing but is not the default browser, and the same allow list applies through policy. Personal browser profiles signed in to personal Google accounts should not be used for work.
""",
)

D(
    "usb-storage",
    "it",
    "USB drives and external storage",
    """
Writing files to USB flash drives, external hard drives and SD cards is blocked on company laptops. Reading from them is allowed, so you can still open files a customer gives you on a stick, although every file is scanned by endpoint protection first.

The block exists because removable media is the most common way data leaves companies accidentally. To share large files with someone outside the company, use a Lattice Cloud shared link with an expiry date instead.

There are two exceptions. Staff in hardware testing, video production and events can request an exemption for encrypted drives from the IT-approved list (Apricorn Aegis or Kingston IronKey), valid for one year. Keyboards, mice, headsets, YubiKeys and other non-storage USB devices are never affected by the block.
""",
)

D(
    "mobile-email-byod",
    "it",
    "Work email and Slack on your personal phone",
    """
You can use Outlook, Teams, Slack and Lattice Cloud on a personal iPhone or Android phone without enrolling the whole device in management. We use app protection policies: the first time you sign in to one of these apps with your work account, you are asked to install Intune Company Portal (Android) or Microsoft Authenticator (iOS) as a broker, and to set a six-digit PIN for work apps.

Company data stays inside those apps. You cannot copy text from Outlook into a personal app, save attachments to your personal photo library, or back up work data to personal cloud storage. If you leave the company or lose the phone, only the work data inside those apps is wiped.

Use the Outlook app, not the built-in Mail or Gmail apps, which cannot apply the policy and are blocked from connecting. Phones must run iOS 16 or Android 12 or later.
""",
)

D(
    "offboarding-equipment",
    "it",
    "Returning your laptop and equipment when you leave",
    """
When your resignation or end date is entered in PeopleHub, ServicePoint automatically opens an offboarding ticket and emails you instructions in your last two weeks. Office staff return their laptop, badge, security keys and any loaner equipment to the IT bar on their last day. Remote staff receive a prepaid return kit with a padded box and a shipping label; drop it off within five business days of your end date.

Monitors, keyboards, mice, headsets and docks bought for your home office do not need to be returned unless they cost more than USD 500 or equivalent. Phones provided by the company must be returned.

Before you go, move any files you own in Lattice Cloud to a team folder or transfer them to your manager. Your NWL ID account is disabled at 17:00 local time on your last day, and your mailbox is kept for 90 days for your manager to review.
""",
)

D(
    "access-request",
    "it",
    "Requesting access to internal systems",
    """
Access to most internal systems, such as the finance reporting server, the CRM, Jira projects, production consoles and Lattice Cloud admin roles, is requested through the Access Catalogue in ServicePoint. Search for the system, choose the role you need and give a one-line reason. Requests route to the system owner, and for sensitive roles also to your manager.

Standard roles are granted automatically once approved, usually within an hour. Roles marked with a shield icon, such as production database read access, are time-limited to 30 days and must be re-requested after that.

Access is reviewed quarterly. System owners confirm who still needs each role, and anything not confirmed is removed. If you change teams, your access from the old team is kept for 30 days to give you time to hand over and then removed automatically.
""",
)

D(
    "sso-app-missing",
    "it",
    "An app is missing from your NWL ID dashboard",
    """
Your dashboard at id.northwindlattice.com only shows apps assigned to you through a group. If a colleague on the same team sees a tile that you do not, you are probably not in the group yet, which often happens in the first week after joining or changing teams.

Open ServicePoint and request the app from the Access Catalogue. If the app is not in the catalogue at all, it may be a team-purchased tool that is not connected to single sign-on; ask the team lead who owns it to add you directly in the tool.

Sometimes the tile is assigned but hidden. Click the grid icon at the top right of the dashboard, choose "Add apps", and search for it. If you see an error like "User is not assigned to the client application" when you click a tile, the assignment is still syncing; wait 15 minutes and try again before opening a ticket.
""",
)

D(
    "service-desk-hours",
    "it",
    "Service Desk hours, priorities and response times",
    """
The Service Desk is staffed from 07:00 to 19:00 Pacific time by the Portland team and from 08:00 to 18:00 Irish time by the Dublin team, Monday to Friday. Outside those hours, the phone line (extension 4357, +1 503 555 0143) is answered by an on-call engineer for priority 1 issues only: lost or stolen devices, security incidents and outages affecting many people.

Tickets are prioritised automatically. P1 (company-wide outage or security incident) gets a response within 15 minutes. P2 (one person completely unable to work) within one business hour. P3 (degraded but working) within one business day. P4 (requests and questions) within three business days.

Slack #it-help is monitored during staffed hours and is fine for quick questions, but anything that needs follow-up should be a ServicePoint ticket so it does not get lost in the scroll.
""",
)

D(
    "home-network",
    "it",
    "Troubleshooting your home internet for video calls",
    """
If calls freeze or your voice drops out at home, start with the basics. Restart your router, and if possible connect your laptop with an Ethernet cable; the USB-C dock from the peripherals catalogue has an Ethernet port. Wired connections fix more call problems than anything else.

On Wi-Fi, sit in the same room as the router and prefer the 5 GHz network. Check whether others in the house are streaming or uploading large backups at the same time. Lattice Cloud's first sync after a reinstall can saturate a slow upload link for hours; you can limit its bandwidth in Lattice Desk preferences.

Run a test at speed.northwindlattice.com. For reliable video we recommend at least 10 Mbps upload and under 50 ms latency. IT cannot support personal routers or internet providers directly, but the home office allowance from HR can be used for a mesh Wi-Fi system if your connection is the problem.
""",
)

D(
    "github-access",
    "it",
    "Getting access to GitHub and setting up SSH keys",
    """
Source code lives in the northwind-lattice GitHub Enterprise organisation, which uses NWL ID single sign-on. New engineers are added automatically through their team group on their first day. Other staff can request read access through the Access Catalogue.

You must use your own GitHub account with your work email added and verified, or create a new account named like yourname-nwl. Two-factor authentication on the GitHub account itself is mandatory, and we recommend a security key.

For SSH, generate an ed25519 key on your laptop (ssh-keygen -t ed25519 -C "you@northwindlattice.com"), add the public key to GitHub, then click Configure SSO next to the key and authorise it for the northwind-lattice organisation. Keys that are not SSO-authorised get "Permission denied" on our repositories even though they work for your personal ones. Personal access tokens need the same authorisation and expire after at most 90 days.
""",
)

D(
    "password-manager",
    "it",
    "Using the company password manager",
    """
Every employee has a 1Password Business account, available as a browser extension and desktop app. Use it for every work credential that is not covered by NWL ID single sign-on, such as vendor portals, test accounts and API dashboards.

Shared credentials belong in a shared vault, not in a spreadsheet, a Slack message or a wiki page. Team leads can create vaults through ServicePoint; each vault needs two owners. When someone leaves a team, removing them from the vault removes their access to every password in it, and the vault's activity log shows who viewed each item.

Your personal vault in the company account is for work-related personal logins, like your airline loyalty account if you travel for work. It is yours; administrators cannot read it. If you leave, you can export it in the last week before your account is disabled. Forgetting your 1Password secret key means your personal vault cannot be recovered, so store the Emergency Kit PDF safely.
""",
)

D(
    "softphone-voicemail",
    "it",
    "Desk phone, softphone and voicemail PIN",
    """
Sales, support and front-desk staff have a phone number through Zoom Phone. It rings in the Zoom desktop app, the Zoom mobile app and any desk phone assigned to you at the same time. Set your working hours in the Zoom app under Phone > Settings so calls outside those hours go straight to voicemail.

To reset a forgotten voicemail PIN, open Zoom, go to Settings > Phone > Voicemail and choose Reset PIN; the new six-digit PIN is shown on screen. Voicemails are transcribed and emailed to you, and deleted after 90 days.

To forward your number while on leave, choose Call Handling > Forward to another extension. Do not forward work numbers to a personal mobile; use the Zoom mobile app instead so call records stay in the company system.
""",
)


# ---------------------------------------------------------------------------
# IT help desk: long documents
# ---------------------------------------------------------------------------

D("vpn-handbook", "it", "Remote Access Handbook: NWL Connect reference and troubleshooting", """
## Purpose and scope

This handbook is the reference for NWL Connect, the remote access service that lets Northwind Lattice employees and approved contractors reach internal systems from outside our offices. It is written for the Service Desk, team IT champions and anyone who wants to understand why the VPN behaves the way it does. The short how-to articles on installing the client for Windows, macOS and Linux cover the everyday steps; this document explains the design, the policies behind it and the error codes you may see.

NWL Connect is not needed for most daily work. Email, Slack, Lattice Cloud, ServicePoint, PeopleHub and the wiki are all published to the internet behind NWL ID single sign-on. You need the VPN for the finance reporting server, the legacy S: drive, the build farm, internal staging environments, the Jira instance used by the hardware team and a few older tools that were never moved behind single sign-on.

## Architecture in brief

We run three gateways: US-West in Hillsboro, Oregon, EU-Dublin in our Dublin data centre and CA-Toronto in a colocation facility. Each gateway has two appliances in an active-passive pair. The client measures latency to all three when it starts and connects to the fastest, but a user can pin a gateway manually from the client's gateway menu. The pin lasts until the client is restarted.

Since the change made in March, the client uses split tunnelling. The list of routes sent through the tunnel is managed centrally and includes 10.0.0.0/8, 172.20.0.0/14 and a short list of internal DNS zones such as corp.northwindlattice.com. Everything else, including Microsoft 365, Zoom and Lattice Cloud, leaves through the user's local internet connection. DNS queries for internal zones go to our resolvers; all other queries use the local resolver.

## Authentication and posture checks

Every connection requires three things: a valid NWL ID password, an NWL Verify approval or security key touch, and a device that passes the posture check. The posture check runs on the laptop before the tunnel is allowed and confirms that the device is company-managed, that disk encryption is on, that endpoint protection is running and reporting, and that the operating system is no more than one monthly patch behind.

A device that fails the posture check gets a restricted tunnel that can only reach Company Portal, Self Service and the update servers, so that it can fix itself. The client shows an orange icon in this state. Personal computers fail the managed-device check permanently, which is by design: remote access from personal computers is not permitted. Staff who need access from a personal device for a specific reason should use the virtual desktop service instead.

## Sessions and limits

A tunnel stays up for up to 12 hours. After 12 hours the client asks you to authenticate again, including a new NWL Verify approval. If the laptop sleeps, the tunnel is kept for 30 minutes and then dropped; the client reconnects automatically on wake if the session has not expired.

Each person can have at most two simultaneous VPN sessions, for example a laptop and a Linux workstation. A third connection disconnects the oldest one without warning. People who regularly work across three machines should talk to the Service Desk about a jump host on the build network instead.

## Error codes

The client shows a numeric code with most failures. The most common are listed here with what they usually mean.

- Code 401, invalid credentials: the password is wrong or has changed recently. If you changed your password while offline, see the article on cached passwords.
- Code 403, not entitled: your account is not in the VPN-Users group. This happens to new contractors whose sponsor forgot to tick remote access in the onboarding request.
- Code 409, posture check failed: one of the device checks did not pass. Open the client's Health tab to see which one. Usually the fix is installing pending OS updates and restarting.
- Code 412, MFA timeout: no approval arrived within 60 seconds. Often caused by a phone change; see the article on the VPN after changing your phone.
- Code 429, too many attempts: more than five failed connections in ten minutes from the same device. Wait ten minutes.
- Code 503, gateway at capacity: the chosen gateway reached its licence limit of 1,800 concurrent users. The client retries the next closest gateway automatically; if you pinned a gateway, unpin it.
- Code 611, certificate expired: affects Linux users with a machine certificate older than a year. Request a renewal in #it-linux.

## Network conditions that break the VPN

Captive portals at hotels, airports and on trains are the leading cause of "Gateway unreachable" reports. Corporate guest networks at customer sites sometimes block outbound UDP 4501, in which case the client falls back to TCP 443 after about 30 seconds. If the customer's network performs TLS inspection, the fallback also fails and the only option is a phone hotspot.

A less obvious cause is IPv6-only mobile networks, which several carriers now use with NAT64. The client version 6.4 and later handles this correctly; older versions connect but cannot resolve internal names. If internal sites fail only when tethered to a phone, check the client version first.

Home routers with aggressive "gaming" or "security" features occasionally drop long-lived UDP sessions after five minutes of idle time. The symptom is a tunnel that disconnects every few minutes when you are not actively using internal sites. Turning off the router feature, or setting the client's keepalive to "Aggressive" under Advanced settings, resolves it.

## Access from restricted countries

Using NWL Connect from countries on the company's restricted travel list is not permitted, even with a company laptop, because several of those countries restrict or monitor encrypted tunnels and because export regulations apply to some of our source code. Travellers to those destinations receive a loaner laptop without VPN rights and should use webmail and Lattice Cloud through the browser. Connections from a restricted country are blocked at the gateway and raise an alert to the security team, who will contact you to confirm that the connection was yours.

## Contractors and third parties

Contractors can be granted VPN access only through a contractor onboarding request with an end date no more than six months away. Access is renewed when the sponsor extends the contract. Vendor support staff who need one-off access to a specific system, such as a storage vendor engineer diagnosing an array, should be given a session through the privileged access gateway, where the session is recorded and time-limited, never a VPN account.

## Getting help

When opening a ticket about the VPN, include the error code, the gateway name, your network type (home, mobile hotspot, hotel, customer site) and the log bundle from Settings > Troubleshooting > Collect Logs. The log bundle contains no passwords, and it lets the network team see the exact stage at which the handshake failed, which usually halves the time to a fix.
""")

D("endpoint-security-standard", "it", "Endpoint Security Standard for laptops and mobile devices", """
## Why this standard exists

Laptops and phones are where most of our work happens and where most security incidents begin. This standard sets the minimum controls for every device that accesses Northwind Lattice data, explains who is responsible for each control, and describes how exceptions are handled. It applies to all employees, contractors and interns, in every country. It is owned by the Security Engineering team and reviewed every year in January.

In practice, almost everything described here is configured automatically by Intune on Windows and Jamf on macOS. You do not need to set any of it up yourself, but you do need to avoid undoing it, and you need to understand what is expected when something goes wrong.

## Device eligibility

Only company-owned laptops may access internal systems, the VPN, production consoles or customer data exports. Personal computers may be used for webmail, Slack and Lattice Cloud in the browser, where data cannot be downloaded, but not for anything else. Personal phones may run Outlook, Slack, Teams and the Lattice Cloud mobile app under app protection policies, as described in the bring-your-own-device article.

Supported operating systems are the two most recent major versions of macOS and Windows 11 Enterprise. Linux workstations are allowed for engineering roles only and are managed through our Linux baseline, which enforces the same intent with different tools.

## Required controls on laptops

Full-disk encryption must be on at all times: BitLocker with TPM on Windows, FileVault on macOS and LUKS on Linux. Recovery keys are escrowed centrally, so users can retrieve them through the identity portal but cannot disable encryption.

Endpoint detection and response software, which we call Sentinel Agent internally, must be installed and reporting. It monitors process behaviour, blocks known malware, and lets the security team isolate a device from the network during an incident. Attempting to stop, uninstall or tamper with it is treated as a serious policy violation.

The host firewall must be on. Inbound connections are blocked except for those required by management tools. Developers who need to expose a local port for testing should bind to localhost or use the approved tunnelling tool, not open the firewall.

Operating system and browser updates must be installed within seven days of reaching your update ring. Critical vulnerabilities that are being actively exploited may be given a shorter deadline, announced in #it-announcements, in which case devices restart automatically after 48 hours.

## Screen lock and physical security

Laptops must lock after no more than five minutes of inactivity and require a password, fingerprint or face recognition to unlock. The setting is enforced by policy; you can make it shorter but not longer. Lock your screen manually whenever you step away in a shared space: Windows key plus L on Windows, Control plus Command plus Q on a Mac.

Never leave a laptop visible in a parked car, even for a few minutes, and do not check it into aircraft hold luggage. In the office, laptops left on desks overnight should be locked in a pedestal drawer or taken home. Privacy screens are available from the peripherals catalogue and are recommended for anyone who regularly works on trains or in cafes with customer data on screen.

## Mobile devices

Company-provided phones are fully managed and must have a six-digit passcode or longer, biometric unlock, automatic OS updates and no jailbreak or root. Personal phones using app protection must meet the minimum OS versions in the bring-your-own-device article, and the work apps will refuse to open on a jailbroken or rooted device.

Lost phones with company data, whether company-owned or personal with work apps, must be reported to the Service Desk within one hour, the same as laptops.

## Software and data handling

Only software from Company Portal, Self Service or an approved software request may be installed. Cracked, pirated or personally licensed software is prohibited on company devices. Browser extensions must be on the approved list.

Customer data may be stored only in approved systems: Lattice Cloud team folders with the correct classification label, the CRM, and the support platform. Copies of customer data must not be kept on the local disk outside the synced Lattice Cloud folder, and writing to USB storage is blocked for everyone except holders of a removable media exemption.

## Monitoring and privacy

The management and security tools record device health, installed software, security events and, for the endpoint detection tool, process and network activity associated with security alerts. They do not record your screen, your keystrokes or the content of personal messages. Security staff may access detailed telemetry only when investigating an alert or incident, and each access is logged and reviewed by the Head of Security Engineering. Employees in Ireland and Canada can read the local privacy notice for device monitoring on the HR wiki.

## Compliance checks and grace periods

Every device reports its compliance state every few hours. A device that falls out of compliance, for example because it missed updates or endpoint protection stopped reporting, gets a three-day grace period with daily notifications. After the grace period, the device loses access to the VPN, Lattice Cloud admin roles and production systems until it is fixed. Access to email and Slack is kept so that the user can still receive instructions and contact the Service Desk.

Devices that have not checked in at all for 30 days are marked as stale. The owner and their manager receive an email, and after 45 days the device is considered lost and its sessions are revoked.

## Exceptions

Sometimes a control gets in the way of legitimate work: a test lab that needs an older OS, a trade show laptop without a screen lock, a video editor who must write to external drives. Exceptions are requested through ServicePoint under Security > Exception request. The request must describe the business need, the compensating controls and an end date. The maximum duration of any exception is 90 days, after which it must be renewed with a fresh justification. Exceptions are approved by Security Engineering and, for anything involving customer data, by the Data Protection Officer as well.

## Responsibilities

Employees are responsible for keeping their devices updated, reporting loss promptly and not disabling controls. Managers are responsible for making sure their team members return devices when they leave and for approving exceptions only when genuinely needed. IT is responsible for configuring and monitoring the controls. Security Engineering owns the standard and investigates violations.

## Violations

Deliberately disabling security controls, installing prohibited software or moving customer data outside approved systems may lead to removal of access and disciplinary action under the Code of Conduct. Accidental non-compliance is handled as a support issue, not a disciplinary one; the goal is always to fix the device first.
""")

D("incident-response", "it", "Security Incident Response Procedure", """
## Overview

This procedure describes how Northwind Lattice detects, handles and learns from security incidents affecting our corporate systems, our products and the customer data stored in Lattice Cloud. It applies to all staff. Everyone has a part to play, from the employee who notices an odd login prompt to the executive who approves a customer notification. If you are reading this during an active incident, skip to the section titled "If you think something is wrong".

A security incident is any event that actually or potentially compromises the confidentiality, integrity or availability of our information or systems. Examples include a phished password, malware on a laptop, an exposed API key in a public repository, a misconfigured storage bucket, unauthorised access to a customer's files, and a lost unencrypted USB stick with customer data.

## If you think something is wrong

Report it immediately. Do not wait until you are sure, and do not investigate on your own. Use one of these channels:

- Call the Service Desk on extension 4357 or +1 503 555 0143 and say "security incident"; this is answered around the clock.
- Email security@northwindlattice.com.
- Post in the #security-report Slack channel, which pages the on-call security engineer.

Tell us what you saw, when, on which device or system, and what you have done since. If a laptop may be infected, disconnect it from Wi-Fi but leave it powered on, because memory contents can be important evidence. Do not delete suspicious emails, files or messages; report them instead.

## Severity levels

The on-call security engineer assigns a severity within 30 minutes of the report.

- SEV-1: confirmed compromise of production systems or customer data, or an active attacker in our environment. The full incident team is assembled immediately, day or night.
- SEV-2: confirmed compromise of a corporate system or account without evidence of customer data access, such as a phished employee account that was used to send mail.
- SEV-3: suspicious activity or a policy violation with limited impact, such as malware blocked on a single laptop.
- SEV-4: a weakness with no evidence of exploitation, such as a misconfiguration found during an audit.

Severity can be raised or lowered as facts emerge. When in doubt the engineer chooses the higher level.

## Roles

For SEV-1 and SEV-2 incidents, the following roles are assigned, and each is written in the incident channel so everyone knows who holds it.

The Incident Commander runs the response, makes decisions about containment and keeps the timeline. This is normally the on-call security lead, who may hand the role over during long incidents.

The Technical Lead directs investigation and remediation work, pulling in engineers from the affected teams.

The Communications Lead drafts internal updates, coordinates with Legal and the Customer Success leadership on anything customer-facing, and makes sure nobody speaks to the press or on social media about the incident.

The Scribe records actions, decisions and timestamps in the incident document. Good notes are the most useful thing after an incident and the thing most often skipped.

## Phases

Detection and triage: confirm what happened, assign severity and open an incident channel named inc-YYYYMMDD-shortname. Access to the channel is restricted to responders.

Containment: stop the damage from spreading. Typical actions are resetting credentials, revoking sessions and API keys, isolating laptops through the endpoint agent, blocking IP addresses and disabling compromised integrations. Containment decisions that affect customers, such as disabling a feature, require the Incident Commander's approval and, for SEV-1, the on-call engineering director.

Evidence preservation: before systems are rebuilt, take disk and memory images of affected laptops and snapshot affected cloud resources. Logs are exported to the evidence bucket, which has write-once retention of seven years. Chain-of-custody forms are required for any device that may be used in legal proceedings.

Eradication and recovery: remove the cause, restore from known-good sources and monitor closely for recurrence. Production systems are restored by the owning engineering team, not by security.

Closure: the Incident Commander closes the incident once containment is complete, affected systems are restored and monitoring shows no further activity for at least 72 hours.

## Notification obligations

Some incidents trigger legal obligations to notify regulators, customers or individuals. Legal decides whether these apply, so involve them early in any incident that might touch personal data. Under GDPR, a personal data breach must be reported to the Irish Data Protection Commission within 72 hours of becoming aware of it, where it is likely to result in a risk to people's rights. Our customer contracts commit us to notifying affected Enterprise customers within 48 hours of confirming a breach of their data, which is stricter than the law in most places. The 48-hour clock starts at confirmation, not at the first report, but the Communications Lead should prepare drafts from the start so that notices can go out quickly.

Customer notices are sent by the Customer Success team from the incident template and are reviewed by Legal and the Chief Information Security Officer before sending. Never tell a customer informally that an incident has or has not affected them before the formal notice.

## After the incident

A blameless post-incident review is held within ten business days of closing any SEV-1 or SEV-2 incident. The review covers the timeline, what went well, what was hard, the root cause and contributing factors, and a list of follow-up actions, each with an owner and a due date. The written review is shared with the engineering and IT leadership groups; a summary without sensitive details is published on the security wiki so everyone can learn from it.

Follow-up actions are tracked in the Security Jira project. The Head of Security Engineering reports open actions older than 60 days to the leadership team every month.

## Exercises

The security team runs a tabletop exercise each quarter with a rotating cast from engineering, IT, Legal, Customer Success and Communications. Scenarios have included a leaked signing key for the Lattice Desk installer, ransomware on the finance file server and a malicious insider exporting customer files. Everyone who might hold an incident role is expected to attend at least one exercise a year.

## Related documents

See the Endpoint Security Standard for laptop controls, the article on reporting phishing for suspicious email, and the Data Classification Policy for handling rules for customer data.
""")

D("new-hire-it-guide", "it", "Your first week: IT setup guide for new employees", """
## Welcome

This guide walks you through everything IT-related in your first week at Northwind Lattice, from unboxing your laptop to getting into the tools your team uses. Keep it open on your phone on day one. If you get stuck at any point, the Service Desk is on extension 4357 or in the #it-help Slack channel, and new starters always get priority.

## Before your first day

About a week before you start, you receive an email at your personal address from onboarding@northwindlattice.com with your NWL ID username and a link to activate your account. The link is valid for 72 hours. When you click it, you set a password of at least 14 characters and enroll NWL Verify on your phone. If the link has expired by the time you see it, reply to the email and the People Operations coordinator will send a new one.

Remote starters receive their laptop by courier two to three business days before the start date. Do not open the box before your first morning if you can help it; the setup process expects your account to be fully active, which happens at 06:00 local time on your start date.

## Day one: setting up the laptop

Turn on the laptop and connect to your home Wi-Fi or, in the office, to NWL-Guest. On a Mac, you will be asked to sign in with your NWL ID at the Remote Management screen; on Windows, at the "Set up for work or school" screen. From there the laptop installs its configuration and core apps automatically. It takes between 30 and 60 minutes depending on your connection. Leave it plugged in and do not close the lid.

The core apps installed automatically are Outlook and the rest of Microsoft 365, Slack, Zoom, Lattice Desk, 1Password, NWL Connect VPN and the Sentinel endpoint agent. When the installation finishes, the laptop restarts and you can sign in normally.

## Day one: signing in to your tools

Open id.northwindlattice.com in the browser. This is your dashboard for nearly every application. Your team's apps should already be there; if some are missing, they will usually appear within the first day as group memberships sync.

Sign in to Lattice Desk and let it finish its first sync. Your Desktop, Documents and Downloads folders are connected to Lattice Cloud automatically so they are backed up.

Open 1Password and follow the prompts to create your account. Print or save the Emergency Kit somewhere safe outside the laptop; without the secret key, your personal vault cannot be recovered.

Sign in to Slack and join #announcements, #it-announcements, #it-help and your team channels. Your manager or onboarding buddy will add you to private channels.

## Your first week: things with deadlines

A few tasks have fixed deadlines, and reminders will follow you until they are done.

- Security awareness training in the learning platform must be completed within 14 days of your start date. It takes about 45 minutes. Access to Lattice Cloud admin roles and production systems is not granted until it is complete.
- Register a second verification method at id.northwindlattice.com within seven days, either a hardware security key or a second phone, so that you are not locked out if your phone breaks.
- Acknowledge the Acceptable Use Policy and the Endpoint Security Standard in PeopleHub during your first week.
- Engineers must add their GitHub account to the northwind-lattice organisation and authorise SSO for their SSH key before their first pull request; the setup is described in the GitHub access article.

## Ordering equipment

Your laptop comes with a charger only. Monitors, docks, keyboards, mice and headsets are ordered from the peripherals catalogue in ServicePoint. Order them on your first day, because delivery to home addresses takes up to a week and longer in Ireland. Office starters will find a dock and monitor at their assigned desk.

A company mobile phone is provided only for roles that need one, such as on-call engineers and field sales. Everyone else can use work apps on a personal phone under app protection.

## Getting access to systems

Your team's standard access is granted automatically from your job role. For anything else, such as a specific Jira project, the finance reporting server or a customer's support workspace, use the Access Catalogue in ServicePoint. Your manager should have given you a list of what to request. Requests for sensitive systems need your manager's approval, so it helps to send them all on the same day so your manager can approve them together.

## Where to find things

The company wiki at wiki.northwindlattice.com is the home for team pages, processes and how-to guides. IT articles, including this one, are under the IT Help Desk space. HR policies and benefits information are in PeopleHub under Policies. Product documentation for Lattice Cloud, Lattice Desk and the Lattice API is on docs.northwindlattice.com, the same site that customers use.

## Common first-week problems

If your laptop setup stops at "Preparing your device" for more than 90 minutes, restart it once while it is still plugged in. If it stops again, contact the Service Desk; do not erase and reinstall the operating system yourself, because this can remove the device from management and will require the laptop to be shipped back.

If your laptop has not arrived by the morning of your first day, tell your manager and call the Service Desk. We will set you up with a virtual desktop you can use from any computer through the browser, so you can complete training and join meetings while we trace the delivery.

If NWL Verify does not send push notifications on your phone, check that notifications are allowed for the app and that battery saver is not restricting it. Android phones from some manufacturers put apps to sleep aggressively; add NWL Verify to the list of apps that are never put to sleep.

If you see a different name or a spelling mistake in your email address or display name, tell People Operations rather than IT; names come from PeopleHub and IT systems update automatically once the record is corrected.

## After the first week

At the end of your first month, you will get a short survey about your IT onboarding. We read every response; most of the fixes in this guide came from new starters telling us what went wrong.
""")

D("travel-devices", "it", "Travelling internationally with company devices", """
## Before you book

Most business travel needs nothing special from IT. You take your laptop and phone, connect to the VPN when you need internal systems, and work as usual. A few destinations, however, carry extra risk to devices and data, and some trips need a loaner laptop or special arrangements. Check the destination against the restricted travel list on the Security wiki before you book. The list is reviewed quarterly by Security and Legal and currently includes countries where border authorities routinely inspect or copy electronic devices, where encrypted VPN connections are restricted, or where export control rules limit what software we may bring in.

Travel to a restricted destination requires a Travel Security Request in ServicePoint at least ten business days before departure. Approval comes from Security and your department head.

## Loaner laptops for restricted destinations

If your destination is on the restricted list, you must not take your regular laptop. Instead, you will receive a travel loaner: a freshly imaged laptop that has your email, Slack and Lattice Cloud in the browser, but no locally synced files, no VPN rights, no developer tools and no saved credentials. The loaner is collected from the IT bar in Portland or Dublin, or couriered to remote staff, at least three business days before departure.

Before you leave, move any documents you need for the trip into a dedicated Lattice Cloud folder and mark it available online. Do not sync it offline on the loaner. When you return, hand the loaner back unopened to IT without signing into it again on company networks; it will be wiped and reimaged before anyone else uses it. Your own laptop stays in the office or at home.

## Phones on restricted trips

Leave your company phone at home on restricted trips if you can, and use a loaner phone with only Outlook, Slack and NWL Verify installed. Personal phones with work apps should have the work apps removed before travel and reinstalled on return; this takes a few minutes and nothing is lost, because all work data is in the cloud.

## Border inspections

Border officers in many countries, including the United States, Canada, Ireland and the United Kingdom, have the legal authority to inspect electronic devices. Power down your laptop completely before you reach passport control. A fully powered-off device with disk encryption is far better protected than one that is asleep.

If an officer asks you to unlock a device or provide passwords, stay calm and polite. You are not expected to put yourself at legal risk. Comply with lawful requests, note the officer's name and badge number if possible, and report the inspection to security@northwindlattice.com as soon as you can afterwards. Security will reset your credentials and check the device before it reconnects to company systems. Do not lie to border officials or attempt to hide devices. Reporting an inspection never leads to disciplinary action.

## Connectivity abroad

Company phones have an international roaming package that covers data in most countries at no extra cost to your department. Roaming is enabled automatically for approved trips booked through the travel portal; for other trips, ask the Service Desk to enable it at least two days in advance. Personal phones used for work while abroad are covered by the phone reimbursement rules in the Travel and Expense Policy, not by IT.

Local eSIMs are a good option for longer stays. You can buy one for a company phone and expense it, but the company phone's main SIM must remain active so that NWL Verify and the management profile keep working.

Hotel and conference Wi-Fi should always be treated as untrusted. Connect to the VPN after accepting any captive portal, and prefer your phone hotspot for sensitive work such as finance approvals or production changes.

## Power and physical security

Pack your charger, a plug adapter and, if you plan to work on flights, a short USB-C cable for your phone. Never plug your phone or laptop into public USB charging points at airports or on trains; use a wall socket with your own charger or a power bank. Public USB ports can in rare cases be used to attack connected devices, and they are also frequently broken.

Keep your laptop in carry-on luggage, never in checked bags. When you leave your hotel room, take the laptop with you or lock it in the room safe. Use a privacy screen on flights and trains if you will have customer information visible.

## Time zones and authentication

NWL ID sessions last 12 hours, and you will be asked to sign in again more often while moving between locations, because sign-ins from new countries trigger an additional verification. This is expected. If your sign-in is blocked outright because of an "impossible travel" alert, for example a sign-in from Lisbon an hour after one from Portland, call the Service Desk; they can confirm your travel from the travel portal and clear the block.

## Working while abroad for extended periods

Trips that combine business and personal time, or stays abroad longer than 30 days, can create tax, employment law and immigration issues for both you and the company. Working remotely from another country is governed by the Remote and Hybrid Work Policy and needs HR approval in addition to anything described here. IT cannot approve extended remote work abroad on its own; we only arrange devices once HR has approved the arrangement.

## Returning from a trip

After any trip to a restricted destination, return loaner devices within five business days. After any trip where a device was inspected, lost for some time, or left in someone else's control, for example handed to hotel staff, report it so Security can decide whether the device should be checked or reimaged. It is always better to report something that turns out to be nothing.
""")


# ---------------------------------------------------------------------------
# HR policy: short articles
# ---------------------------------------------------------------------------

D("parental-leave", "hr", "Parental leave", """
Every employee who becomes a parent through birth, adoption, foster placement or surrogacy is entitled to 18 weeks of parental leave at full base pay. The policy is the same for mothers, fathers and non-birth parents, and it applies from your first day of employment; there is no minimum service requirement.

Leave can be taken in one block or in up to three blocks of at least two weeks each, as long as all of it is used within 12 months of the child's birth or placement. Birth parents may also take up to four weeks of paid pregnancy leave before the due date, which does not reduce the 18 weeks.

Where local statutory schemes exist, such as Maternity Benefit in Ireland or Employment Insurance parental benefits in Canada, the company tops up the statutory payment to your full base pay, and you must apply for the statutory benefit yourself. PeopleHub has a step-by-step checklist. Tell your manager and submit the leave request at least eight weeks before you plan to start, or as soon as practical for adoptions.
""")

D("sick-leave", "hr", "Sick leave", """
If you are too unwell to work, tell your manager before your usual start time, or as soon as you reasonably can, by message or phone. Then record the absence in PeopleHub under Time Off > Sick. You do not need to say what the illness is.

All employees receive 10 paid sick days per calendar year, which do not carry over. Sick days can also be used for medical and dental appointments, mental health days, and caring for a sick child or partner for a short period. Where local law provides more generous sick pay, such as statutory sick pay in Ireland, the more generous rule applies.

For absences longer than three consecutive working days, we ask for a note from a doctor or other licensed practitioner. Absences longer than ten working days are handled under the short-term disability and medical leave process, and HR will contact you to explain the options. Please do not log on to check email while you are off sick; your manager will arrange cover.
""")

D("bereavement-leave", "hr", "Bereavement leave", """
We are sorry if you are reading this because someone close to you has died. You can take time off straight away and sort out the paperwork later; just let your manager know, or ask a colleague to let them know for you.

Paid bereavement leave is five working days for the death of a spouse or partner, child, parent, sibling, or anyone who lived in your household. It is three working days for grandparents, grandchildren, parents-in-law and siblings-in-law, and one day to attend the funeral of another relative or close friend. Bereavement leave following a pregnancy loss at any stage is five working days for both parents.

The days do not need to be consecutive, and you can take them within three months of the death, for example to travel for a funeral held later or to deal with an estate. If you need more time, your manager can approve additional paid days or unpaid leave, or you can use vacation. The Employee Assistance Program offers free bereavement counselling for you and your family.
""")

D("jury-duty", "hr", "Jury duty and court witness leave", """
If you are summoned for jury service or called as a witness in court, you will receive your full base pay for the time you are required to attend, for up to 20 working days per year. Any payment you receive from the court, other than expense reimbursements for travel and meals, should be declared in PeopleHub and is deducted from your pay for those days.

Send a copy of the summons to your manager and upload it in PeopleHub under Time Off > Civic duty as soon as you receive it. If the timing would cause serious problems for a critical project or a customer launch, talk to HR; in some cases we can provide a letter supporting a request to defer service, but the decision rests with the court.

On days when you are dismissed early, you are not expected to return to work for the rest of the day. Civic leave for voting is separate: all employees may take up to two hours of paid time to vote in public elections if their working hours would otherwise prevent it.
""")

D("vacation-pto", "hr", "Vacation and paid time off", """
Full-time employees receive 25 days of paid vacation per year in addition to public holidays. Vacation accrues monthly, at about 2.08 days per month, and is available as it accrues. Part-time employees accrue vacation in proportion to their contracted hours. After five years of service, the allowance increases to 28 days.

You can carry up to five unused days into the next calendar year. Carried-over days must be used by 31 March or they are forfeited, unless you were unable to take them because of parental, sick or other protected leave, in which case they are kept for 12 months. In Canadian provinces and in Ireland, any statutory minimum that is higher than our policy takes precedence.

We want people to actually take their vacation. Managers review balances each quarter, and anyone who has taken fewer than ten days by the end of September will be encouraged to book time off. Unused vacation is paid out on leaving only where local law requires it.
""")

D("time-off-request", "hr", "How to request time off in PeopleHub", """
All planned time off, whether vacation, volunteer days or unpaid leave, is requested in PeopleHub. Open the Time Off tile, click Request, choose the type and dates, and add a note if you want. The request goes to your manager, who normally approves it within two working days. You get an email when it is approved and the days are blocked on your Outlook calendar.

Please give at least two weeks' notice for absences longer than three days and at least a month for absences longer than two weeks. Teams with on-call rotas or seasonal peaks may publish their own blackout periods, such as the last two weeks of the quarter for the finance team.

To cancel or change a request, open it in PeopleHub and choose Withdraw; the days are returned to your balance. Sick days are recorded after the fact rather than requested in advance. If your manager is away, requests can be approved by their delegate, which is shown on the request screen.
""")

D("public-holidays", "hr", "Public holidays by office", """
Employees observe the public holidays of the country and, where applicable, the province or state in which they are based, not the location of their manager or team. The full calendar for the current year is in PeopleHub under Policies > Holidays.

In the United States, the company observes ten holidays, including the day after Thanksgiving and Juneteenth. In Ireland, employees get the ten statutory public holidays, including St Brigid's Day in February. In Canada, employees in Ontario observe the nine provincial holidays plus the Civic Holiday in August and the National Day for Truth and Reconciliation on 30 September.

In addition, the whole company closes for a shared "Lattice Day" on the first Friday of July, regardless of country. If you are required to work on a public holiday, for example as part of an on-call rota, you receive a replacement day off to be taken within three months, as well as any on-call payment.
""")

D("volunteer-days", "hr", "Volunteer days", """
Every employee can take two paid volunteer days per calendar year to support a registered charity, school, community group or public service. You can take them as full days or as four half days. Volunteer days do not carry over.

Request them in PeopleHub under Time Off > Volunteering and include the name of the organisation. Political campaigning and work for religious organisations that involves promoting beliefs do not qualify, but practical work for a faith-based food bank or shelter does.

Teams often volunteer together. If your team would like to organise a group day, the Community Committee can help find partners near each office and will pay for transport and lunch up to USD 30 per person. Staff who volunteer more than 20 hours in a year outside work can also apply for a USD 500 donation to the organisation through the Giving Match program, described on the Community wiki page.
""")

D("sabbatical", "hr", "Sabbatical after five years", """
After five years of continuous service, employees become eligible for a four-week paid sabbatical, and again after every further five years. The sabbatical is in addition to your normal vacation and must be taken within 24 months of becoming eligible, otherwise it lapses.

You can combine the sabbatical with vacation to create a longer break of up to eight weeks in total. Talk to your manager at least three months before you plan to go so that cover can be arranged, and then request it in PeopleHub under Time Off > Sabbatical.

A sabbatical is a genuine break. Your email and Slack accounts stay active, but you are asked not to use them, and your manager will set up an out-of-office delegate. Sabbaticals cannot be paid out in cash if you do not take them, and they do not accrue during parental leave or other extended absences beyond what local law requires.
""")

D("caregiver-leave", "hr", "Family caregiver leave", """
If a close family member has a serious illness or injury, or needs end-of-life care, you can take up to four weeks of paid caregiver leave in any 12-month period. Close family means a spouse or partner, child, parent, sibling, grandparent, or someone who depends on you for care in a similar way.

This is separate from sick leave. Use your sick days for a day or two looking after a child with a cold; use caregiver leave when someone needs sustained care, for example after surgery or during treatment. Leave can be taken in full days or as reduced hours, such as three days a week for eight weeks.

Request it in PeopleHub under Time Off > Caregiver and upload a short letter from the family member's doctor confirming that care is needed; the letter does not need to include a diagnosis. After the paid weeks, you may be eligible for further unpaid leave under local law, such as the Family and Medical Leave Act in the US, Compassionate Care Leave in Ireland, or family caregiver leave in Ontario.
""")

D("medical-leave-std", "hr", "Medical leave and short-term disability", """
If an illness or injury keeps you away from work for more than ten working days, your absence moves from sick leave to medical leave. HR will contact you, or your manager will let HR know, and a case manager from our disability insurer will be assigned to help with the claim.

In the United States, short-term disability insurance pays 100 percent of base salary for the first 6 weeks and 70 percent for up to a further 20 weeks. In Canada, our group plan tops up Employment Insurance sickness benefits to 100 percent of base salary for 15 weeks. In Ireland, the company pays full salary for 13 weeks, minus any Illness Benefit you receive from the Department of Social Protection, and the income protection plan applies after that.

You will be asked to provide medical evidence to the insurer, not to your manager. HR and your manager will only know whether you are fit to work and any adjustments you need. When you are ready to return, a phased return plan can be agreed; see the article on returning to work after extended leave.
""")

D("unpaid-leave", "hr", "Unpaid personal leave", """
Sometimes you need time off that no other policy covers: an extended family trip, a personal project, study, or moving house across the country. Employees with at least one year of service can request up to 12 weeks of unpaid personal leave in any two-year period.

Unpaid leave needs approval from your manager and from HR, and it is granted when the business can reasonably cover your work. Request it in PeopleHub at least two months in advance. You must normally use most of your vacation balance first, leaving no more than five days.

During unpaid leave, your health insurance continues, but you pay both the employee and employer contributions after the first month, and retirement plan contributions stop. Vacation does not accrue. Your job, or a comparable one if the team has been reorganised, is guaranteed on your return. Unpaid leave cannot be used to work for another employer.
""")

D("return-to-work", "hr", "Returning to work after extended leave", """
Coming back after parental leave, medical leave or a long caregiving period can be a big adjustment. Employees returning from any leave longer than eight weeks can use a phased return: during the first four weeks, you may work 60 percent of your normal hours in the first two weeks and 80 percent in the next two, on full pay.

Agree the pattern with your manager about two weeks before your return date and record it in PeopleHub. You can also use up to ten keeping-in-touch days while you are on leave to attend training or team events without ending your leave; these are paid at your normal daily rate and are always optional.

On your first day back, your manager should meet with you to go through what changed while you were away. IT will have kept your laptop and accounts active, but you may need to install several weeks of updates. Parents who are breastfeeding or expressing milk can book the wellness rooms in each office through Envoy; they have a fridge, a sink and a lock.
""")

D("benefits-enrollment", "hr", "Benefits open enrollment", """
Open enrollment for health, dental, vision and life insurance benefits runs every year from 1 to 15 November, for coverage that starts on 1 January. It is the one time of year when you can change plans or add and remove dependants without a qualifying life event.

During enrollment, PeopleHub shows a Benefits task on your home page. You will see the available plans for your country, the cost per paycheck and any changes from last year. If you do nothing, your current elections roll over, except for Flexible Spending Account contributions in the US, which must be re-elected every year.

New employees enroll within 30 days of their start date, and coverage is backdated to the first day of employment. If you miss the window, you are placed on the default employee-only plan until the next open enrollment. The benefits team runs drop-in webinars during enrollment; dates are announced in #announcements.
""")

D("qualifying-life-event", "hr", "Changing benefits after a life event", """
Outside open enrollment, you can change your health and insurance elections only after a qualifying life event. Qualifying events include marriage or registered partnership, divorce, the birth or adoption of a child, a dependant losing other coverage, moving to a new country or state, and a change between full-time and part-time work.

You must report the event in PeopleHub within 30 days, or 60 days for the birth or adoption of a child. Go to Benefits > Life events, choose the event type and enter the date. You will be asked to upload evidence, such as a marriage certificate or birth certificate, within a further 30 days; coverage for a new dependant is provisional until the evidence is received.

Changes take effect from the date of the event for births and adoptions, and from the first day of the following month for everything else. Updating your home address or marital status in PeopleHub does not by itself change your benefits.
""")

D("retirement-plan", "hr", "Retirement savings plans and company match", """
In the United States, employees can join the 401(k) plan from their first payroll. The company matches 100 percent of your contributions up to 4 percent of eligible pay, and contributions and matches vest immediately. You can choose pre-tax or Roth contributions and change your rate at any time in the Fidelity portal, linked from PeopleHub.

In Ireland, the company contributes 6 percent of base salary to the group defined contribution pension scheme, provided you contribute at least 3 percent. In Canada, the company matches Group RRSP contributions up to 5 percent of base salary, and the match is deposited to a Deferred Profit Sharing Plan that vests after two years.

New hires in all three countries are enrolled automatically at the minimum contribution after 60 days unless they opt out. Independent financial advice sessions are available free of charge through the Employee Assistance Program each quarter.
""")

D("eap", "hr", "Employee Assistance Program", """
The Employee Assistance Program (EAP) is a free, confidential service for employees and members of their household. It is run by an external provider, so nothing you discuss is shared with Northwind Lattice; we only receive anonymous usage statistics.

The EAP offers up to eight short-term counselling sessions per issue per year, by phone, video or in person, in English, French, Spanish and Irish. It also provides legal and financial consultations, help finding childcare or eldercare, and critical incident support for teams after a traumatic event.

You can reach the EAP 24 hours a day on the number in PeopleHub under Benefits > Wellbeing, or through the mobile app with the company code LATTICE. If you are in crisis or at immediate risk, call your local emergency number. Managers can also contact the EAP for advice on supporting a team member, without naming them.
""")

D("wellness-stipend", "hr", "Wellness allowance", """
Every employee receives a wellness allowance of USD 60, EUR 55 or CAD 80 per month, paid through payroll as a taxable benefit. You do not need to submit receipts; it is added to your pay automatically from your first full month.

The allowance is meant to support your physical and mental health in whatever way works for you: a gym or climbing membership, yoga classes, a meditation app, sports equipment, or swimming lessons. It is a flat monthly payment, so unused amounts do not roll over and there is nothing to claim back.

The wellness allowance is separate from the home office allowance and the learning budget. Costs for ergonomic equipment recommended after a workstation assessment come from the home office budget, not from your wellness allowance, and medical treatments are covered by your health insurance.
""")

D("home-office-allowance", "hr", "Home office setup and internet allowance", """
Employees on a remote or hybrid arrangement approved under the Remote and Hybrid Work Policy receive a one-time home office setup allowance of USD 500, EUR 450 or CAD 650. It can be used for a desk, an ergonomic chair, lighting or a mesh Wi-Fi system. Monitors, docks and keyboards come from the IT peripherals catalogue and are not paid from this allowance.

Submit receipts through the expense tool within six months of your start date or of the approval of your remote arrangement, using the category "Home office setup". Items bought with the allowance are yours to keep.

Remote employees also receive a monthly internet allowance of USD 40, EUR 35 or CAD 50, added to payroll. Hybrid employees who come to the office three or more days a week do not receive the internet allowance. A further USD 250 refresh can be claimed every three years for replacing worn-out furniture.
""")

D("learning-budget", "hr", "Learning and development budget", """
Each employee has an individual learning budget of USD 1,500 per calendar year, or the local equivalent, to spend on courses, certifications, books, workshops and conference tickets that relate to their current role or a realistic next role at Northwind Lattice. Unused budget does not carry over.

Purchases under USD 200, such as books and online courses, do not need pre-approval; expense them with the category "Learning". Anything above that, including conference tickets and certification exams, needs your manager's approval in PeopleHub under Learning > Request before you pay.

You can also use up to five working days per year as learning days, for example to attend a course or study for an exam, without using vacation. Longer programmes, such as a part-time degree, are handled under the Education Assistance program, which covers up to USD 5,250 per year and includes a repayment clause if you leave within 12 months of completion.
""")

D("conference-attendance", "hr", "Attending or speaking at conferences", """
Attending an external conference is paid from your learning budget for the ticket, and from your department's travel budget for flights and hotels. Get your manager's approval in PeopleHub before booking anything. Book travel through the company travel portal so the trip appears in duty-of-care tracking.

If you have been invited to speak, submit the talk title and abstract to the Communications team at least four weeks before the event. They check that nothing confidential is included, such as unreleased features, customer names or security details, and can help with slides and rehearsal. Speakers' tickets, travel and hotel are paid by the Marketing budget rather than your learning budget.

After the conference, share a short summary in your team channel or the #learning Slack channel. For events where several people from the company attend, one person should be named as the lead for any customer or press conversations.
""")

D("expense-claims", "hr", "Submitting expense claims", """
Business expenses that you pay yourself are reimbursed through the expense tool, Ledgerly, which you reach from your NWL ID dashboard. Photograph or upload the itemised receipt, choose the category and project code, and add a short business purpose such as "Dinner with Acme Corp IT team, 4 attendees".

Claims must be submitted within 30 days of the expense. Claims older than 90 days are not reimbursed unless your department head approves a late exception. Your manager approves each claim, and claims over USD 2,500 are also approved by Finance.

Approved claims are paid with the next payroll run if approved by the 20th of the month, otherwise with the following one. Receipts in a foreign currency are converted automatically at the rate on the transaction date; if your card charged a different amount, attach the card statement line and Ledgerly will use that instead. Lost receipts can be replaced by a signed missing receipt declaration for amounts under USD 75.
""")

D("corporate-card", "hr", "Corporate credit cards", """
Employees who travel more than four times a year or regularly buy software and services for their team can apply for a corporate card. Apply in PeopleHub under Finance > Corporate card; your manager and Finance approve it. Cards arrive by post within ten business days.

The standard limit is USD 5,000 per month. Card transactions flow into Ledgerly automatically, and you must attach a receipt and business purpose to each within 30 days. Cards with receipts more than 60 days overdue are suspended until the backlog is cleared.

Personal purchases on the corporate card are not allowed, even if you intend to pay them back. If it happens accidentally, flag the transaction in Ledgerly as personal and it will be deducted from your next paycheck. Report a lost or stolen card to the card provider immediately using the number on the back of the card, and then tell Finance at expenses@northwindlattice.com.
""")

D("mileage", "hr", "Mileage and car travel reimbursement", """
When you use your own car for business travel, you can claim mileage instead of fuel costs. The rates are the IRS standard rate in the US, EUR 0.43 per kilometre for the first 1,500 kilometres per year in Ireland and the Canada Revenue Agency rate in Canada. Ledgerly applies the correct rate when you choose the Mileage category.

Claim only the distance beyond your normal commute. For example, if you drive from home to a customer site 60 km away instead of to the office 20 km away, claim 40 km each way. Trips between two business locations during the day are claimed in full. Record the start and end points; Ledgerly calculates the route distance.

Parking and tolls are reimbursed with receipts. Traffic and parking fines are never reimbursed. If you rent a car for business, book it through the travel portal, which includes insurance; do not purchase the rental company's extra coverage at the desk.
""")

D("pay-schedule", "hr", "Pay dates and payslips", """
Employees in the United States are paid semi-monthly on the 15th and the last working day of each month. Employees in Ireland and Canada are paid monthly on the 25th, or on the previous working day if the 25th falls on a weekend or bank holiday.

Payslips are available in PeopleHub under Pay > Payslips two working days before each pay date. You can download them as PDFs for your records or for mortgage applications. Annual tax documents, W-2 forms in the US, the Employment Detail Summary in Ireland and T4 slips in Canada, are posted in the same place by the legal deadline.

Changes that affect pay, such as a promotion, a new bank account or unpaid leave, must be entered in PeopleHub by the payroll cut-off, which is the 10th of the month for Ireland and Canada and five working days before each pay date in the US. Changes after the cut-off are processed in the following cycle.
""")

D("payroll-error", "hr", "What to do if your pay is wrong", """
If your payslip shows a mistake, for example a missing allowance, incorrect overtime or the wrong tax code, raise it as soon as possible. Open PeopleHub, go to Help > Payroll query and choose the pay period and the item you think is wrong. Attach any evidence you have, such as an approved overtime request or an email confirming a salary change.

Payroll responds within two working days. If you have been underpaid by more than USD 200 or the local equivalent, you can ask for an off-cycle payment, which is usually made within five working days. Smaller corrections are added to your next regular pay.

If you have been overpaid, you will be contacted and offered a repayment plan; by default the amount is recovered over the same number of pay periods as the overpayment, so that no single paycheck drops sharply. Do not try to correct it yourself by returning money directly to the company's bank account.
""")

D("bank-details", "hr", "Changing your bank account for pay", """
You can update the bank account your salary is paid into in PeopleHub under Personal > Payment elections. For security, the change requires an NWL Verify approval and triggers an email to both your work and personal addresses. If you did not make the change, contact the Service Desk immediately, because fraudsters sometimes target payroll accounts.

Payroll will never ask you to change bank details by email or chat, and nobody from HR will call you to confirm your account number. Report any such request as phishing.

Changes made before the payroll cut-off take effect for the next pay date. Keep your old account open until you have received at least one payment into the new one, because the first payment is occasionally routed to the old account while the bank validates the new one. In the US, you can split your pay between up to three accounts.
""")

D("referral-bonus", "hr", "Employee referral program", """
Great colleagues often come from the people we already know. If you refer someone who is hired into a permanent role, you receive a referral bonus of USD 3,000, EUR 2,750 or CAD 4,000, paid after your referral completes 90 days of employment and as long as you are still employed at that time. Referrals for roles marked hard-to-fill on the careers site earn double.

Submit referrals through the Referrals tab in the hiring system, not by forwarding a CV to a recruiter. The system records the date, which matters if the candidate has also applied directly or through an agency; the first valid submission within the last six months wins.

Hiring managers and interviewers for the role are not eligible for a bonus for that role, and neither are directors and above or members of the recruiting team. Rehires of former employees who left less than 12 months ago do not qualify.
""")

D("internal-transfer", "hr", "Applying for an internal role", """
Internal openings are posted on the Careers page in PeopleHub at least five working days before they are advertised externally. You can apply if you have been in your current role for at least 12 months and are not on a formal performance improvement plan. Exceptions to the 12-month rule can be agreed between both managers.

Tell your current manager before you apply. We ask this so there are no surprises; your manager cannot block your application, and you will not be treated differently for exploring a move. Internal candidates go through the same interview process as external ones, although the recruiter will usually skip the initial screen.

If you are offered the role, the start date in the new team is agreed between both managers, usually within four to eight weeks, to allow a handover. Compensation is reviewed as part of the offer; a move to a role at the same level does not automatically come with a pay increase.
""")

D("probation", "hr", "Probation period for new employees", """
New employees have a probation period of six months in Ireland and three months in the United States and Canada. Probation is a chance for both you and the company to check that the role is the right fit.

Your manager will hold check-ins at 30, 60 and 90 days, and for Irish employees also at five months, using the template in PeopleHub. Each check-in covers what is going well, anything that needs to change and the support you need. If there are concerns, you should hear about them clearly and early, with specific examples and time to improve.

At the end of the period, your manager confirms successful completion in PeopleHub and you receive a letter. Probation can be extended once, by up to three months, if more time is needed, for example because of a long absence. During probation, the notice period for either side is one week, or the statutory minimum if higher.
""")

D("resignation", "hr", "Resigning and notice periods", """
If you decide to leave, tell your manager first, in person or on a video call, and then confirm your resignation in writing by submitting it in PeopleHub under Job > Resign. Your notice period is set out in your employment contract; for most roles it is one month, rising to two months for managers and three months for directors and above.

Your manager and HR will agree your last working day and a handover plan. You are expected to use your remaining vacation during the notice period where possible; any balance is paid out only where local law requires it. Garden leave, where you are paid but asked not to work, may be used for roles with access to sensitive information.

You will be invited to an optional exit interview with HR, not with your manager. Final pay, including any outstanding expenses, is made in the regular payroll run after your last day. Your benefits end on the last day of the month in which you leave.
""")

D("overtime", "hr", "Working hours and overtime", """
Our standard working week is 40 hours in the US and Canada and 39 hours in Ireland, usually between 09:00 and 17:30 with a lunch break, although most teams allow flexible start and finish times around core hours of 10:00 to 15:00.

Employees in roles classified as non-exempt in the US, and those in hourly roles in Canada and Ireland, are paid overtime for approved hours over 40 a week at 1.5 times their hourly rate, or as required by provincial law. Overtime must be approved in advance by your manager and recorded in PeopleHub timesheets in the same week. Unapproved overtime is still paid, but your manager will discuss it with you.

Salaried employees are not paid overtime but should not routinely work more than their contracted hours. If you regularly work long days or weekends, talk to your manager about workload. On-call rotations are covered by the on-call allowance, not overtime.
""")

D("harassment-reporting", "hr", "How to report harassment, discrimination or misconduct", """
If you experience or witness harassment, discrimination, bullying, retaliation or other misconduct, you have several ways to raise it, and you can choose the one that feels safest. You can talk to your manager, to another manager you trust, or directly to your HR business partner. You can email people-relations@northwindlattice.com.

You can also use the independent Speak Up line, run by an external provider, by phone or web form, 24 hours a day, in several languages. Reports through Speak Up can be anonymous. The link and phone numbers for each country are on the PeopleHub home page under Help.

Every report is taken seriously and reviewed by the Employee Relations team within two working days. Retaliation against anyone who raises a concern in good faith, or who takes part in an investigation, is itself a serious breach of the Code of Conduct. The full process, including how investigations are run and what happens afterwards, is described in the Workplace Investigation Procedure.
""")

D("relocation", "hr", "Relocation assistance", """
When the company asks you to move, or when you are hired or transferred into a role that requires relocating more than 80 kilometres, you may be eligible for relocation support. Packages are approved as part of the offer and depend on the distance and whether the move is domestic or international.

A standard domestic package covers professional movers for household goods, one house-hunting trip for you and a partner, up to 30 days of temporary accommodation and a lump sum of USD 5,000 for miscellaneous costs. International packages add visa and immigration support, tax advice in both countries, shipping by sea container, and language lessons for you and your family.

If you leave the company voluntarily within 12 months of your relocation start date, you must repay the full relocation cost; between 12 and 24 months, you repay half. Relocation for personal reasons, such as moving closer to family, is not covered, but a change of work location may still be approved under the Remote and Hybrid Work Policy.
""")

D("immigration-visa", "hr", "Visa sponsorship and work permits", """
Northwind Lattice sponsors work visas for roles where it is stated in the job posting and for internal transfers between countries that the business has approved. We work with an external immigration law firm, and the company pays all legal and government fees for the employee; fees for accompanying family members are also covered.

In the US, we sponsor H-1B, L-1 and O-1 visas and support green card applications for employees after 12 months in a sponsored role. In Ireland, we support Critical Skills Employment Permits and General Employment Permits. In Canada, we use the Global Talent Stream for eligible roles.

If you already hold a visa tied to Northwind Lattice and something changes, such as a new job title, a salary change, a move to another city or a plan to work remotely from a different location, contact the immigration team at immigration@northwindlattice.com before the change happens. Some changes require an amended petition or permit, and making them without one can affect your status.
""")

D("name-change", "hr", "Updating your name or personal details", """
You can update your address, phone number, emergency contacts and pronouns yourself in PeopleHub under Personal. Changes take effect immediately.

To change your legal name, for example after marriage or for any other reason, go to Personal > Legal name and upload supporting evidence such as a marriage certificate, deed poll or court order. Once HR approves the change, payroll, benefits and tax records are updated in the next payroll cycle.

Your preferred name, the name used in email, Slack and the company directory, can be different from your legal name and does not need any documents. Change it under Personal > Preferred name; IT systems pick it up within 24 hours, and your email address is changed to match on request. The old address continues to receive mail as an alias for a year. Badges with the new name can be printed at reception.
""")

D("employment-verification", "hr", "Employment verification and reference letters", """
If you need proof of employment for a mortgage, rental application, visa or loan, you can download a standard employment verification letter yourself in PeopleHub under Documents > Letters. It shows your job title, start date and employment status, and optionally your base salary. The letter is signed electronically and is accepted by most banks and landlords.

If the organisation needs a specific form completed, send it to people-ops@northwindlattice.com, and it will be returned within three working days. In the US, many lenders use an automated verification service; we participate in The Work Number, so you can direct them there.

For former employees, we confirm only dates of employment and final job title. Managers may give personal references for former team members, but they must state that the reference is personal and not on behalf of the company. Official references are issued only by HR.
""")

D("office-attendance", "hr", "Office days for hybrid employees", """
Employees with a hybrid arrangement are expected in the office on two anchor days each week, chosen by the team and published on the team's wiki page. Most teams anchor on Tuesday and Thursday. The remaining days can be worked from home or the office as you prefer.

The anchor days are meant for collaboration, so teams should schedule planning, workshops and social time on them and keep focus work for other days. Managers can make occasional exceptions, such as during a house move or a school holiday, without any formal process.

If you want to change from hybrid to fully remote, or from remote to hybrid, make a request under the Remote and Hybrid Work Policy; it is not a manager-only decision because it affects allowances, equipment and, in some cases, your contract. Employees hired as office-based in Portland, Dublin or Toronto keep an assigned desk; hybrid employees in Dublin and Toronto use bookable desks.
""")

D("on-call-allowance", "hr", "On-call allowance and call-out pay", """
Employees on an approved on-call rotation, such as site reliability, security operations, IT and customer support escalation, receive an on-call allowance for each week they hold the pager. The allowance is USD 400, EUR 350 or CAD 520 per full week, or a pro-rata amount for partial weeks, and it is paid in the month after the rotation.

When you are paged and actively work on an incident outside your normal hours, you also record the time in PeopleHub as call-out time. Salaried employees receive time off in lieu at a rate of one hour for each hour worked, rounded up to the nearest half hour. Non-exempt and hourly employees are paid at their overtime rate instead.

If you are paged between midnight and 06:00 and work for more than an hour, you are expected to start late the next day, at least eight hours after the page ended, without using vacation. Rotas are designed so that nobody is on call more than one week in four; tell your manager if yours is more frequent.
""")

D("fertility-family-forming", "hr", "Fertility and family-forming benefits", """
Northwind Lattice offers a family-forming benefit through Bloomwell, a specialist provider, to all employees and their spouses or partners, regardless of gender, sexual orientation or marital status. It covers fertility assessments, egg and sperm freezing, IVF, surrogacy and adoption costs, up to a lifetime maximum of USD 25,000 or the local equivalent per employee.

You do not need to be enrolled in a particular health plan, and there is no waiting period. Sign up through the Bloomwell link in PeopleHub under Benefits > Family. A care advocate will help you find clinics, understand costs and submit claims; Bloomwell pays clinics directly in most cases.

Appointments for fertility treatment can be taken as paid sick time, and employees going through IVF or a surrogacy or adoption process can take up to five additional paid days per year for procedures and legal appointments. Nothing about your use of the benefit is shared with your manager.
""")


# ---------------------------------------------------------------------------
# HR policy: long documents
# ---------------------------------------------------------------------------

D("leave-policy", "hr", "Leave of Absence Policy (full policy)", """
## 1. Purpose

This policy brings together all types of leave at Northwind Lattice in one place: what each kind of leave is for, how much is paid, how to request it, and what happens to pay, benefits, equity and your role while you are away. Shorter articles in PeopleHub explain individual leave types in plain language; where there is any difference between those articles and this policy, this policy applies. Where local law in the United States, Canada or Ireland gives you a more generous entitlement, the law applies instead.

## 2. Who this policy covers

The policy covers all permanent employees, full-time and part-time. Part-time employees receive paid leave in proportion to their contracted hours. Fixed-term employees are covered for the duration of their contract. Contractors and agency workers are not covered and should speak to their agency or employer.

## 3. Summary of paid leave types

- Vacation: 25 days a year, rising to 28 after five years.
- Sick leave: 10 days a year, with medical leave and disability cover for longer absences.
- Parental leave: 18 weeks at full base pay for every new parent, plus up to four weeks of pregnancy leave before the due date for birth parents.
- Bereavement leave: five, three or one day depending on the relationship.
- Caregiver leave: up to four weeks in a 12-month period.
- Jury duty and witness leave: up to 20 days a year.
- Volunteer days: two a year.
- Sabbatical: four weeks after every five years of service.
- Reservist and civil emergency leave: see section 9.
- Domestic violence leave: see section 10.

## 4. Requesting leave

All planned leave is requested in PeopleHub under Time Off. Your manager approves most leave types; HR also approves parental, medical, caregiver, sabbatical and unpaid leave because they affect payroll and benefits. Unplanned absences such as sickness or bereavement are recorded as soon as reasonably possible, and nobody should delay taking leave in an emergency because of paperwork.

Please give as much notice as you can. The minimum notice for parental leave is eight weeks, for sabbaticals three months and for unpaid leave two months, except in circumstances outside your control.

## 5. Pay during leave

Paid leave is paid at your base salary, including any fixed allowances such as the wellness and internet allowances. Commission for sales roles is calculated during parental and medical leave on the average of the previous four quarters' attainment, paid monthly, so that sales employees are not penalised for taking leave. Shift premiums and on-call allowances are not paid during leave because you are not on the rota.

Where a statutory payment exists, such as Maternity Benefit or Illness Benefit in Ireland, or Employment Insurance in Canada, you must apply for it, and the company tops up the statutory amount to your full base pay. If you forget to apply, the company may reduce the top-up by the amount you could have received.

## 6. Benefits, equity and bonuses during leave

Health, dental, vision, life and disability insurance continue unchanged during all paid leave. During unpaid leave, coverage continues, but after the first month you pay the full premium, including the employer share, through a monthly invoice.

Equity awards continue to vest during all paid leave, including the full 18 weeks of parental leave and any period of short-term disability. During unpaid personal leave longer than 30 days, vesting is suspended for the unpaid period and the vesting schedule is extended by the same length of time. Vesting is never suspended for leave that is protected by law.

Annual bonuses are calculated on your full-year salary for any year in which you took paid leave. For unpaid leave longer than 30 days, the bonus is prorated to exclude the unpaid period.

Retirement plan contributions and company matches continue during paid leave and stop during unpaid leave.

## 7. Leave during probation

Employees on probation have the same entitlement to sick, parental, bereavement and caregiver leave as everyone else. If a long absence makes it difficult to assess your performance, your probation may be extended by the length of the absence, up to three months, and this will be agreed with you in writing. Taking leave is never a reason in itself for failing probation.

## 8. Public holidays during leave

If a public holiday falls during your vacation, it is not counted as a vacation day. If it falls during parental, medical or caregiver leave, you do not receive an extra day in lieu, except in Ireland, where employees on maternity or adoptive leave accrue public holiday entitlement by law and may take the days after returning. Bereavement and jury duty days are counted in working days, so a public holiday in the middle extends them.

## 9. Reservist and civil emergency leave

Employees who serve in the reserve forces of the country where they work, such as the US Army Reserve or National Guard, the Canadian Armed Forces Primary Reserve, or the Irish Reserve Defence Forces, receive up to 15 working days of paid leave per year for training, with the company paying the difference between military pay and base salary. Longer deployments are unpaid, but your job is protected as required by law, and health coverage continues at the company's expense for up to 12 months. Volunteer firefighters, search and rescue members and similar civil emergency volunteers can take paid time off when called out during working hours, up to ten days per year.

## 10. Domestic violence leave

Employees affected by domestic violence or abuse can take up to ten days of paid leave a year to attend medical appointments, legal proceedings, counselling or to find safe housing. No evidence is required, and the request can be made to HR directly rather than your manager. HR can also arrange changes to your working location, hours, phone number or email address for your safety. The Employee Assistance Program provides confidential specialist support.

## 11. Returning from leave

You have the right to return to the same job after any leave, or to a comparable job on the same terms if your original role no longer exists. Phased return, keeping-in-touch days and support for nursing parents are described in the return-to-work article. If you decide not to return after parental leave, we ask you to tell us as early as you can; the parental leave pay you received is not recovered.

## 12. Interaction between leave types

Leave types can follow each other, for example vacation directly after parental leave. If you become ill during vacation for three or more days and provide a medical note, those days are converted to sick leave and your vacation is restored. Bereavement during vacation is treated the same way. You cannot take two paid leave types at the same time.

## 13. Records and privacy

Leave records are kept in PeopleHub and visible to you, your manager and HR. Medical information is held only by the disability insurer or, where necessary, by HR in a restricted file, and is never shared with your manager. Records are kept for seven years after you leave, or longer where the law requires.

## 14. Questions

Contact your HR business partner or email people-ops@northwindlattice.com. This policy is reviewed every year by People Operations and Legal.
""")

D("travel-expense-policy", "hr", "Travel and Expense Policy", """
## Principles

Northwind Lattice pays for reasonable costs that you incur while doing your job. We trust people to spend company money as carefully as they would their own, and this policy sets the limits that make that trust easy. When something is not covered by a specific rule, ask whether you could explain the expense comfortably to a customer or to a colleague whose budget is tight. If not, do not claim it.

This policy applies to all employees. It works together with the articles on submitting expense claims, corporate cards and mileage, which explain the mechanics.

## Approval before travel

All business travel must be approved by your manager in the travel portal before you book. Trips outside your home country also need your department head's approval and must be checked against the restricted travel list, which is maintained by Security. Trips to restricted destinations need a Travel Security Request as well; see the IT article on travelling internationally with company devices.

Book flights, hotels, trains and rental cars through the travel portal, not directly with the supplier. Bookings made through the portal are paid centrally, appear in duty-of-care tracking so we can contact you in an emergency, and are covered by our travel insurance. If you book outside the portal because it is significantly cheaper, attach a screenshot of the portal price to your claim.

## Flights

Economy class is the standard for all flights. Premium economy may be booked for flights with a scheduled duration of more than six hours. Business class is allowed only for flights longer than ten hours where you are expected to work within 24 hours of landing, and requires approval from a vice president. Employees who need a different class for medical reasons should ask HR for an accommodation, which is kept confidential.

Book at least 14 days in advance where possible. Choose the lowest logical fare, meaning the cheapest fare on a reasonably direct route at a reasonable time; you are not expected to take a 6 a.m. flight with two connections to save a small amount. Checked baggage fees for one bag are reimbursed on trips of three nights or more. Seat selection fees are reimbursed on flights longer than four hours. Airline loyalty points are yours to keep.

## Trains and ground transport

Within Europe and along the Toronto to Montreal corridor, trains are preferred over flights for journeys under four hours. Standard class is the default; first class is allowed for journeys over two hours if you will be working on the train.

Taxis and ride-hailing are fine to and from airports and between business meetings. For the daily commute to your normal office, transport is not reimbursed, but a late-night taxi home after working past 21:00 is.

## Hotels

Book a standard room in a business hotel near where you will be working. The nightly limits, excluding taxes, are:

- New York, San Francisco, London and Zurich: USD 350, GBP 250 or CHF 320.
- Dublin, Toronto, Boston, Seattle, Paris and Amsterdam: USD 260, EUR 220 or CAD 320.
- Other cities in North America and Europe: USD 200, EUR 170 or CAD 250.
- Elsewhere, the limit shown in the travel portal for that city.

During major conferences and events, the portal may show higher limits for specific dates. Staying with friends or family instead of a hotel is welcome, and you may claim a thank-you gift or meal up to USD 60 per trip.

Laundry is reimbursed on trips longer than five nights. Hotel minibar, in-room films, spa and gym charges are personal.

## Meals and per diems

When travelling overnight, you can claim actual meal costs up to a daily limit of USD 85, EUR 70 or CAD 100, including tips. The limit is for the day as a whole, so a large dinner can be balanced by a small lunch. Meals already included in a conference ticket, flight or hotel rate should not be claimed again. Alcohol is reimbursed only when dining with customers or partners, and only in moderation; one or two drinks per person with a meal is the norm.

Meals with customers or candidates are claimed with the names and companies of everyone present. Team meals paid from a team budget follow that budget's rules rather than the per diem.

## Tips and gratuities

Tips are reimbursed at the customary local rate, which is usually up to 20 percent in the US and Canada, about 10 percent in Ireland and much of Europe, and as shown in the portal's country guide elsewhere.

## Phones and connectivity while travelling

Company phones have roaming included. If you use a personal phone for work while abroad, you can claim either the cost of a travel roaming pass from your carrier or a local prepaid eSIM, up to USD 10 per travel day. Hotel Wi-Fi charges are reimbursed when no free option exists, and in-flight Wi-Fi is reimbursed on flights over three hours if you work during the flight.

## Gifts and hospitality

Gifts to customers, partners and government officials must be modest and comply with the Anti-Bribery Policy. Gifts worth more than USD 100 per person, and any gift or hospitality for government officials or employees of state-owned companies, require pre-approval from Legal. Cash and cash equivalents such as gift cards are never allowed as gifts to anyone outside the company.

## Things that are never reimbursed

Traffic and parking fines, personal entertainment, travel for a spouse, partner or family member, loss or theft of personal belongings, upgrades you pay for yourself, expenses for which you have already been reimbursed by a customer or event organiser, and memberships of airline lounges. Lounge access provided by a corporate card is fine to use.

## Combining business and personal travel

You can extend a business trip for personal reasons as long as the company pays no more than it would have for the business portion alone. Attach a fare comparison to your claim showing the price of the business-only itinerary. You pay for hotel nights and other costs on the personal days. If you work from another country during the personal days, the Remote and Hybrid Work Policy rules on working abroad apply.

## Claims and audits

Submit claims within 30 days, with itemised receipts. Finance audits a random sample of claims each month, and all claims over USD 2,500. Claims that break this policy are returned for correction. Deliberately false claims are treated as fraud under the Code of Conduct and can lead to dismissal.

## Questions

Email expenses@northwindlattice.com, or ask in the #finance-help Slack channel. The travel portal has a 24-hour agency line for changes during a trip, which is the fastest route if a flight is cancelled or you are stranded.
""")

D("remote-hybrid-policy", "hr", "Remote and Hybrid Work Policy", """
## Purpose

Northwind Lattice is a distributed company with offices in Portland, Dublin and Toronto and employees working from home in many more places. This policy explains the three work arrangements we offer, how to request a change, the rules for working from another location, and what the company provides to make remote and hybrid work effective and safe.

## Work arrangements

Office-based: you work from one of our offices most days and have an assigned desk. Occasional work from home, for example waiting for a delivery, is fine with your manager's agreement.

Hybrid: you work from an office on your team's two anchor days each week and wherever you choose on the other days. You live within reasonable daily commuting distance of the office, generally up to 90 minutes each way.

Remote: you work from home and come to an office or team gathering when asked, typically four to six times a year. You must live in a country, and in the US or Canada a state or province, where Northwind Lattice is registered as an employer. The current list is in PeopleHub under Policies > Where we can employ.

Your arrangement is recorded in PeopleHub and in your employment contract or an addendum to it.

## Requesting a change

You can request a change of arrangement at any time after completing probation. Submit the request in PeopleHub under Job > Work arrangement. Your manager reviews it first, then HR checks the legal, tax and payroll consequences. A decision is given within 30 days. Requests can be refused for business reasons, such as roles that need to handle hardware in a lab, front-desk roles, or teams where a minimum office presence is needed for customer work, and the reason will be explained in writing. You can ask for a review by your department head.

A change from remote to hybrid or office-based may require relocation, which is your own cost unless the company has asked you to move.

## Moving to a different city, state or province

If you plan to move home, tell HR before you move, even within the same country. Moving to another US state or Canadian province changes your payroll taxes, employment law and sometimes your salary range, because our pay ranges are set by location zones. If you move to a location in a lower pay zone, your base salary is not reduced, but future increases reflect the new range. If you move to a higher zone, your salary is reviewed at the next compensation cycle, not immediately.

Moving to a location where we cannot employ people is only possible if your role is transferred to an employer of record, which is approved by the Chief People Officer in exceptional cases. Otherwise we may not be able to continue your employment, so talk to us early.

## Working temporarily from another location

Any employee can work from a location other than their usual one, such as a family home or holiday rental, within their own country without approval, as long as they can meet their normal working hours, have a reliable internet connection and keep information secure.

Working from another country is different because it can create tax and immigration obligations for you and for the company. Employees may work from another country for up to 20 working days in any 12-month period, provided that:

- the country is one where you have the right to be present as a visitor and is not on the restricted travel list;
- you request it in PeopleHub under Job > Work from abroad at least two weeks in advance and your manager approves it;
- you do not sign contracts, negotiate deals or hold yourself out as representing the company locally during that time;
- you take your company laptop and follow all security rules, including the VPN and device rules.

Longer periods abroad, or repeated stays in the same country, need HR and Tax approval and are rarely granted. Working from abroad cannot be used to extend a business trip by more than ten working days.

## Equipment and allowances

The company provides your laptop and standard peripherals from the IT catalogue, and remote and hybrid employees receive the home office setup allowance. Remote employees also receive the monthly internet allowance. Details are in the home office article.

Remote employees who prefer to work from a coworking space, for example because their home is unsuitable, can claim membership fees of up to USD 200, EUR 180 or CAD 260 per month instead of the monthly internet allowance. The coworking space must offer a secure Wi-Fi network with individual login and a lockable storage space or locker.

## Health and safety at home

You are responsible for your home workspace, but we want to help you set it up safely. All remote and hybrid employees complete a short online workstation self-assessment in their first month and whenever they move. If the assessment identifies a problem, such as neck or back pain, you can request a free occupational health review, which may recommend specific equipment paid for by the company.

Report any work-related injury at home, such as a fall while carrying equipment during working hours, in the same way as an injury in the office, using the incident form in PeopleHub.

## Working hours and availability

Remote and hybrid employees follow the same working hours policy as office staff, including core hours. Keep your Slack status and Outlook calendar up to date so colleagues know when you are available. Teams spread across time zones should agree a window of at least three overlapping hours for meetings and protect the rest of the day for focus time.

You have the right to disconnect. Outside your working hours, you are not expected to read or reply to messages unless you are on call. Managers should use scheduled send for messages written outside their colleagues' hours.

## Information security

Work in a place where others cannot see your screen or overhear confidential calls. Lock your screen whenever you step away, including at home if others live with you. Do not print confidential documents at home; use the office printers with badge release. Customer data must never be stored on personal devices.

## Team gatherings

Remote teams meet in person at least twice a year. Travel to these gatherings is paid by the department and follows the Travel and Expense Policy. Attendance is expected unless you have caring responsibilities, health reasons or other circumstances that make travel difficult, in which case tell your manager and HR.

## Review

This policy is reviewed annually. Changes to the anchor-day expectation or to allowances are announced at least three months before they take effect.
""")

D("performance-promotion-guide", "hr", "Performance Reviews and Promotions Guide", """
## How performance works at Northwind Lattice

We want everyone to know what is expected of them, how they are doing and how they can grow. Performance at Northwind Lattice rests on three things: regular one-to-one conversations with your manager, twice-yearly reviews, and a clear, documented career framework for each job family. This guide explains the review cycle, how ratings are decided, how promotions work and what happens when performance is not where it needs to be.

## Career framework and levels

Each job family, such as Software Engineering, Customer Success or Finance, has a career framework on the wiki describing levels from L1 to L8. For each level it lists expectations in four areas: scope and impact, craft and expertise, collaboration, and leadership. Individual contributors and managers share the same level numbers from L5 upward, so moving between the two tracks does not require a change of level.

## One-to-ones

You should meet your manager one-to-one at least every two weeks for 30 minutes or more. These meetings are yours: use them to talk about priorities, blockers, feedback and your development. Notes can be kept in the one-to-one template in PeopleHub, visible only to you and your manager.

## Review cycles

There are two review cycles each year. The mid-year review in late March is a development conversation without a formal rating. The year-end review in late September includes a rating and drives compensation decisions and most promotions.

Each cycle has three steps. First, you write a short self-review answering four questions about your impact, what you learned, where you struggled and what you want to focus on next. Second, your manager collects feedback from three to five peers, whom you help choose, and writes their review. Third, for year-end, managers discuss ratings in calibration before sharing them with you.

The self-review should take about an hour. Focus on outcomes and evidence, such as a project shipped, a customer retained, or a process improved, rather than a list of activities.

## Ratings

Year-end ratings use a four-point scale:

- Exceptional: consistently exceeds the expectations of the level and has an impact well beyond their role. Typically about 10 percent of employees.
- Strong: fully meets and often exceeds expectations. Most employees fall here or in the next band.
- Solid: meets the expectations of the level.
- Not yet meeting: some important expectations are not met; a development plan is needed.

There are no forced distributions. The percentages are guidelines that calibration uses to check consistency across teams.

## Calibration

Calibration is a meeting of managers in the same department, facilitated by an HR business partner, where proposed ratings and promotions are discussed to make sure standards are applied consistently. Each manager presents their reasoning with evidence. Ratings can move up or down in calibration. HR looks at outcomes by gender, ethnicity where data is available, location and working arrangement, and flags unexplained patterns before ratings are finalised.

## Compensation after reviews

Salary increases are effective from 1 January and are based on your rating, your position in the salary range for your level and location, and the overall budget for the year. Employees rated Not yet meeting do not receive a merit increase. Equity refresh grants are awarded to employees rated Strong or Exceptional and are announced in February.

## Promotions

Promotions happen twice a year, effective 1 April and 1 October, and are decided through calibration. You do not need to apply; your manager nominates you. However, you can and should talk to your manager about your goals and ask what evidence would support a promotion case.

A promotion case shows that you have been operating at the next level consistently for at least six months, using examples mapped to the career framework. Promotions to L6 and above also need a written endorsement from a second senior person outside your immediate team.

A promotion comes with a base salary increase of typically 8 to 12 percent, or enough to bring you to the minimum of the new level's range, whichever is greater. Promotions to manager roles are made when a role exists, not as a reward, and new managers complete the Lattice Leaders programme in their first six months.

If you were nominated but not promoted, your manager will share the calibration feedback with you within two weeks, including what was missing.

## Disagreeing with a rating

If you believe your rating is wrong, talk to your manager first. If that does not resolve it, you can ask for a review by your manager's manager within 15 working days of receiving the rating, by submitting a short written explanation in PeopleHub under Performance > Request review. The HR business partner joins the review meeting. The outcome is final and is confirmed in writing within 20 working days.

## When performance needs to improve

Most performance concerns are resolved through clear feedback and support in one-to-ones. If problems continue, your manager will write down the specific gaps and agree an informal support plan with you for four to six weeks.

If the informal plan does not work, a formal Performance Improvement Plan may follow. A PIP lasts 60 days, lists specific and measurable goals, includes weekly check-ins and names the support the company will provide, such as training or mentoring. An HR business partner is involved from the start, and you can bring a colleague to the meetings. At the end of the PIP, the outcome is one of: successful completion, an extension of up to 30 days where there is clear progress, or a decision that may lead to dismissal in accordance with local law. Employees on a PIP cannot apply for internal transfers until it is completed.

PIPs are not started during the first four weeks after returning from parental, medical or other extended leave.

## Feedback at any time

You do not have to wait for a review cycle to give or ask for feedback. PeopleHub's feedback tool lets you send or request feedback from anyone. Feedback you receive is visible to you and, if the sender chooses, to your manager.

## Questions

Talk to your manager or your HR business partner. Career frameworks are on the wiki under People > Careers.
""")

D("investigation-procedure", "hr", "Workplace Investigation Procedure", """
## Purpose

This procedure explains what happens after someone raises a concern about harassment, discrimination, bullying, retaliation, fraud or other misconduct at Northwind Lattice. It is designed to be fair to everyone involved: the person who raised the concern, the person the concern is about, and any witnesses. It complements the article on how to report misconduct and the Code of Conduct.

## Principles

Every concern is taken seriously and handled promptly. Investigations are impartial: investigators have no involvement in the matter and no reporting relationship with the people involved. Information is shared only with those who need it. Nobody is presumed to have done anything wrong until the investigation is complete. Retaliation against anyone who raises a concern or takes part in an investigation is prohibited and will itself be investigated.

## Step 1: Receiving the concern

Concerns reach Employee Relations through managers, HR business partners, the people-relations email address or the independent Speak Up line. Employee Relations acknowledges every named report within two working days. For anonymous reports through Speak Up, the acknowledgement and follow-up questions go through the Speak Up portal using the reference number the reporter receives, so the reporter can stay anonymous while still answering questions.

## Step 2: Initial assessment

Within five working days, Employee Relations carries out an initial assessment and decides the most appropriate route. Not every concern needs a formal investigation. Options include:

- Informal resolution, such as a facilitated conversation or mediation, where the person raising the concern agrees and the matter is not serious.
- A formal investigation by an Employee Relations investigator.
- An external investigation, used for concerns about senior leaders, concerns involving potential criminal conduct, and cases where an internal investigator may not be seen as independent.
- Referral to another process, such as a security incident, a payroll correction or a performance concern.

Concerns about members of the executive team are referred directly to the Chair of the Audit Committee of the Board, who appoints an external investigator.

## Step 3: Interim measures

Sometimes steps are needed to protect people while an investigation is under way. These might include changing reporting lines, adjusting schedules or work locations so people do not have to work together, restricting access to systems, or, in serious cases, placing someone on paid administrative leave. Interim measures are not a disciplinary sanction and do not suggest a conclusion has been reached. They are reviewed every two weeks.

## Step 4: Investigation

The investigator plans the investigation, identifies relevant evidence and interviews the person who raised the concern, the person the concern is about and any witnesses. Evidence may include emails, Slack messages, documents, access logs and expense records. Access to company systems for an investigation is approved by Legal and logged.

Everyone interviewed can be accompanied by a colleague of their choice or, where local law or a collective agreement provides for it, a trade union representative. The companion can take notes and support the employee but cannot answer questions on their behalf. Interviews can be held by video where that is easier. Reasonable adjustments, such as breaks or an interpreter, are provided on request.

The person the concern is about is told the substance of the allegations in enough detail to respond fully, and is given the opportunity to present their side, suggest witnesses and provide evidence.

Notes are taken at each interview and shared with the interviewee to confirm accuracy. Everyone involved is asked to keep the matter confidential, but this never prevents someone from seeking advice from a lawyer, a union, a doctor or a counsellor, or from reporting to a regulator or the police.

## Timelines

We aim to complete investigations within 30 calendar days of the initial assessment. Complex cases, such as those involving many witnesses or external investigators, may take longer. Where that happens, the people directly involved are updated at least every two weeks on progress, even if there is nothing substantive to report.

## Step 5: Findings

At the end of the investigation, the investigator writes a report setting out the allegations, the evidence, and a finding on each allegation on the balance of probabilities: substantiated, not substantiated, or inconclusive. The report goes to a decision-maker, usually a senior manager outside the department concerned, who decides what action to take with advice from HR and Legal.

Both the person who raised the concern and the person the concern is about are told the outcome in writing. For privacy reasons, the person who raised the concern is told whether their concern was substantiated and that appropriate action has been taken, but not the details of any disciplinary sanction.

## Step 6: Actions

Possible outcomes include no further action, training, coaching, mediation, a change in reporting line, a written warning, a final written warning or dismissal. Outcomes can also include changes to processes or systems if the investigation found a wider problem. Where allegations were made maliciously or knowingly false, action may be taken against the person who made them; concerns raised in good faith that turn out to be unfounded are never treated this way.

## Step 7: Appeals

Either party may appeal the outcome by writing to the Head of Employee Relations within ten working days of receiving the written outcome, explaining the grounds for appeal, such as new evidence, a procedural flaw, or a sanction that is disproportionate. The appeal is heard by a manager who was not involved in the original decision, who meets the appellant and confirms the appeal outcome in writing within 20 working days. The appeal decision is final within the company, but does not affect any legal rights.

## Records

Investigation files are stored in a restricted area of PeopleHub accessible only to Employee Relations and Legal. Files are kept for seven years after the case closes. Anonymised statistics on the number and types of concerns, and the time taken to resolve them, are reported to the leadership team and the Board each quarter.

## Support

Everyone involved in an investigation, including witnesses, can use the Employee Assistance Program for confidential support. Managers of teams affected by an investigation can ask their HR business partner for guidance on supporting the team without discussing the case.
""")


# ---------------------------------------------------------------------------
# Product documentation: short articles (Lattice Cloud, Lattice Desk, Lattice API)
# ---------------------------------------------------------------------------

D("conflicted-copies", "product", "Lattice Cloud: What is a conflicted copy?", """
A conflicted copy is created when the same file is changed in two places before Lattice Cloud can reconcile the edits. Typical examples are two colleagues editing a spreadsheet on different laptops at the same time, or editing a file on a laptop that was offline while the cloud version was changed from another device.

Lattice Cloud never overwrites one person's work with another's. Instead, it keeps the version that reached the server first under the original name and saves the other one next to it with a name like "Budget 2025 (Dana Ortiz's conflicted copy 2025-03-14).xlsx". Both files sync to everyone who has access to the folder.

To resolve it, open both files, merge the changes you want to keep into the original, and delete the conflicted copy. Nothing is lost if you get it wrong: the deleted copy stays in the trash and version history.

To avoid conflicts, edit Office documents in the browser or with co-authoring enabled, and let Lattice Desk finish syncing before you close your laptop.
""")

D("sync-stuck", "product", "Lattice Desk: sync is stuck or not finishing", """
If the Lattice Desk icon has shown "Syncing" or "Indexing" for a long time, first check whether it is actually making progress. Click the icon and look at the activity panel: if the file count or the transfer rate changes over a minute or two, it is working, just slowly. The first sync of a large folder, or a rename of a folder with hundreds of thousands of files, can take hours.

If nothing changes, look for a file listed with a yellow warning triangle. A single file that cannot be read, for example because it is open and locked by another application, or a file name that is not allowed, can hold up the queue behind it. Close the application or rename the file.

Still stuck? Pause sync from the icon menu, wait ten seconds and resume. If that does not help, quit Lattice Desk completely and reopen it, which rebuilds the queue. Avoid unlinking and relinking the account as a first step; it forces a full re-index that can take much longer than the original problem.
""")

D("selective-sync", "product", "Lattice Desk: choosing which folders sync to your computer", """
Selective sync lets you choose which folders in your Lattice Cloud account are stored on a particular computer. Folders you deselect are removed from that computer's disk but stay safely in the cloud and on your other devices. It is useful on laptops with small drives, or when you only need a project's archive occasionally.

Open Lattice Desk, go to Preferences > Sync > Selective Sync and click Choose folders. Untick the folders you do not need on this computer and click Update. Lattice Desk shows how much space will be freed before you confirm.

Selective sync works on whole folders. If you want a folder to appear on your computer but download its files only when you open them, use online-only files instead. Note that if you create a new local folder with the same name as a folder excluded by selective sync, Lattice Desk creates a separate folder named "(Selective Sync Conflict)" rather than merging them.
""")

D("online-only-files", "product", "Lattice Desk: online-only and offline files", """
Online-only files appear in your Lattice folder with their normal names and icons but take up almost no disk space. When you open one, Lattice Desk downloads it in the background and it then behaves like any other file. A cloud icon in Finder or File Explorer marks online-only files; a green tick marks files stored locally.

To make a file or folder online-only, right-click it and choose Lattice > Make online-only. To keep something available without a connection, for example before a flight, choose Make available offline. Available offline applies recursively, so new files added to that folder later are also downloaded.

Online-only files require Windows 10 version 1809 or later, or macOS 12.3 or later with the File Provider extension enabled. On macOS, your Lattice folder lives under ~/Library/CloudStorage and appears in the Finder sidebar under Locations. Applications that scan whole folders, such as some antivirus and photo library tools, can accidentally trigger downloads of every online-only file; exclude the Lattice folder in their settings.
""")

D("sync-paused-battery", "product", "Lattice Desk: why sync pauses on its own", """
Lattice Desk pauses syncing automatically in a few situations to protect your battery and data allowance. The icon shows a small pause symbol and the activity panel explains why.

Low battery: on laptops, sync pauses when the battery drops below 20 percent and the computer is not plugged in. It resumes as soon as you connect power.

Metered connection: if Windows marks your network as metered, or you are tethered to an iPhone or Android hotspot on a Mac, large uploads and downloads are paused. Small files under 5 MB continue to sync. You can turn this behaviour off in Preferences > Network > Pause sync on metered connections.

Low Power Mode and Focus: on macOS, sync slows to a minimum while Low Power Mode is on.

Sync also pauses when your account is over its storage quota, but in that case the icon turns red and only uploads stop; downloads and edits to existing files continue.
""")

D("file-size-limits", "product", "Lattice Cloud: file size and upload limits", """
The maximum size of a single file depends on how you upload it. Through Lattice Desk and the Lattice API, files up to 250 GB are supported. Uploads through the web browser are limited to 50 GB per file, and uploads from the iOS and Android apps to 10 GB per file. There is no limit on the number of files in a folder, although folders with more than 300,000 items load slowly in the web interface.

Files larger than 2 GB uploaded through the browser use resumable uploads: if your connection drops, the upload continues from where it stopped when you return to the page within 24 hours.

Shared links to very large files can be downloaded by anyone with the link, but downloads count towards the link bandwidth allowance for your plan. For files over 50 GB, recipients should use Lattice Desk or a download manager that supports resuming, because browsers often fail on long downloads.

File paths are limited to 1,024 characters and individual names to 255 characters.
""")

D("invalid-file-names", "product", "Lattice Desk: files not syncing because of their names", """
Some file names are valid on one operating system but not on another, and Lattice Cloud has to keep files usable on every device. Files with problem names are shown with a yellow warning in the Lattice Desk activity panel and do not upload until renamed.

The following are not allowed in file or folder names: the characters < > : " / \\ | ? *, names that end with a space or a full stop, and reserved Windows names such as CON, PRN, AUX, NUL, COM1 and LPT1, with or without an extension. Temporary files whose names start with ~$ or .~lock, and system files like desktop.ini, .DS_Store and Thumbs.db, are deliberately ignored rather than shown as errors.

Lattice Desk can fix names for you. Click the warning, choose Rename automatically, and it replaces each invalid character with an underscore. Names that differ only in upper and lower case, such as Report.docx and report.docx in the same folder, also cannot both exist; one of them will be renamed with "(Case Conflict)".
""")

D("restore-deleted-files", "product", "Lattice Cloud: restoring deleted files from the trash", """
When you delete a file or folder in Lattice Cloud, from any device, it moves to the trash rather than disappearing. You can restore it for 30 days on the Team plan and for 180 days on Business and Enterprise plans, where administrators can extend retention further.

To restore, sign in at app.latticecloud.com, click Trash in the left sidebar, select the items and click Restore. Restored files go back to their original folder, and if that folder was also deleted, it is restored too. You can filter the trash by date and by the person who deleted the item, which helps when someone cleaned up a shared folder.

Files deleted from a shared folder can be restored by anyone with edit access to that folder. Files you permanently delete from the trash, or that pass the retention period, can no longer be recovered by you, but on Enterprise plans an administrator may still be able to recover them if legal hold or extended retention was in place.
""")

D("version-history", "product", "Lattice Cloud: viewing and restoring an earlier version of a file", """
Every time a file is saved, Lattice Cloud keeps the previous version. You can go back to any version within your plan's history period: 30 days on Team, 180 days on Business and 365 days on Enterprise.

In the web app, right-click a file and choose Version history. Each version shows who saved it, when and from which device. Click a version to preview it, then click Restore to make it the current version. Restoring does not delete newer versions; it creates a new version that is a copy of the old one, so you can always undo a restore.

In Lattice Desk, right-click the file in Finder or File Explorer and choose Lattice > Version history, which opens the same page in your browser.

Version history applies to individual files. To roll back a whole folder after many files were changed, for example by ransomware or a faulty script, use Rewind instead.
""")

D("shared-links", "product", "Lattice Cloud: creating and managing shared links", """
A shared link lets anyone with the URL view or download a file or folder without needing a Lattice Cloud account. Right-click the item and choose Share > Copy link. By default, links give view-only access and are available to anyone with the link.

Click Link settings to tighten access. You can restrict the link to people in your organisation, require a password, set an expiry date, or disable downloads so recipients can only preview in the browser. Business and Enterprise administrators can make some of these settings mandatory, for example requiring every external link to expire within 30 days.

To see every link you have created, open Shared > Links in the web app. From there you can change settings or delete links. Deleting a link immediately stops it working; creating a new link for the same file produces a different URL. Shared links never give edit access; to let someone edit, invite them to the folder instead.
""")

D("link-bandwidth-limit", "product", "Lattice Cloud: shared link disabled for too much traffic", """
If people see "This link has been temporarily disabled" when opening your shared link, the link has exceeded its daily bandwidth allowance. Links are limited to protect the service from being used for mass file distribution.

The daily download allowance for all links created by one user is 200 GB on Team plans, 400 GB on Business and 1 TB on Enterprise. The counter resets 24 hours after the link was disabled, and you receive an email when this happens. Deleting the link and creating a new one does not reset the allowance, because it is counted per user, not per link.

If you regularly need to distribute large files to many people, such as software builds or video footage, consider inviting recipients to a folder, which does not count towards the link allowance, or using the Lattice API with a service account. Enterprise customers can ask their account manager for a temporary allowance increase for events like product launches.
""")

D("folder-permissions", "product", "Lattice Cloud: Viewer, Commenter, Editor and Owner roles", """
When you invite someone to a folder, you choose their role. Viewers can open, preview and download files. Commenters can do everything viewers can and also add comments and annotations in the web previewer. Editors can add, change, move and delete files, and invite other people with the same or lower role unless the owner has turned that off. Each folder has exactly one Owner, who can change any setting and delete the folder for everyone.

Roles are inherited by subfolders. You can give someone a higher role on a subfolder than on its parent, but not a lower one; if you need to restrict part of a folder, move that part into a separate folder.

To change someone's role, open the folder's Share dialog, click the role next to their name and choose a new one. Removing someone takes effect immediately on the web and within a minute on their devices, where the folder disappears from their Lattice folder. Files they copied elsewhere are not affected.
""")

D("transfer-ownership", "product", "Lattice Cloud: transferring ownership of files and folders", """
Folders and files are owned by the person who created them. When someone changes role or leaves an organisation, their folders should be given a new owner so that nothing is lost and sharing keeps working.

To transfer a folder you own, open its Share dialog, find the person who should take over, and choose Make owner. They must already be an Editor. The previous owner becomes an Editor.

Administrators can transfer everything at once. In the Admin Console, go to Members, select the person, and choose Transfer files. Pick the recipient, usually the person's manager, and Lattice Cloud moves all their owned content into a folder named "Files from [name]" in the recipient's account, keeping existing shares. Transfers of more than a million files can take several hours. Administrators should transfer files before deleting a member; if a member is deleted first, their files are kept for 30 days and can only be recovered by contacting support.
""")

D("external-sharing-controls", "product", "Lattice Cloud Admin: controlling sharing outside your organisation", """
Administrators on Business and Enterprise plans decide how members can share with people outside the organisation. In the Admin Console, open Settings > Sharing. There are separate controls for inviting external people to folders, creating shared links, and receiving files through file requests.

Each control offers three choices: allowed, allowed only to approved domains, or not allowed. Approved domains are listed under Trusted domains and typically include partners, agencies and subsidiaries. You can also require that all external shared links have a password or expire within a set number of days.

Changes apply to new shares immediately. Existing external shares are not removed automatically when you tighten a policy; the console shows how many existing shares violate the new setting and offers a button to revoke them in bulk. Enterprise administrators can apply different sharing policies to different groups, for example allowing the sales team to share externally while restricting engineering.
""")

D("storage-quota", "product", "Lattice Cloud: how storage is counted", """
Storage on Team and Business plans is pooled across your organisation: each licensed user adds 1 TB on Team and 5 TB on Business to a shared pool that everyone draws from. Enterprise plans have storage agreed in the contract. Admins can see the pool and usage per member in the Admin Console under Storage.

Files count against the quota of the folder owner, not of everyone who has access. A 10 GB video shared with fifty people uses 10 GB, not 500 GB. Files in the trash and previous versions do not count against the quota, and neither do files in folders shared with you by a different organisation, which count against that organisation's storage.

Individual members can be given a personal limit by an administrator, which is useful to stop a single person from filling the pool with a video archive. Personal accounts using the Free plan have 5 GB, and the Personal Plus plan has 2 TB.
""")

D("over-quota", "product", "Lattice Cloud: what happens when you run out of storage", """
When your organisation's storage pool, or a member's individual limit, is full, Lattice Cloud stops accepting new uploads and changes that would make files larger. Existing files stay safe and can still be opened, downloaded, shared and deleted. Lattice Desk shows a red icon and a message, and the web app shows a banner.

Administrators receive an email at 90 percent and again at 100 percent of the pool. To resolve it, either add licences or a storage add-on in the Admin Console under Billing, or free up space. The Storage page lists the largest folders and the members using the most space.

Emptying the trash does not free space, because files in the trash do not count. Deleting files does. On Free personal accounts, if you remain over quota for 90 days, we may remove files starting with the largest, after warning you three times by email. This never happens on paid plans.
""")

D("plans-comparison", "product", "Lattice Cloud plans compared: Team, Business and Enterprise", """
Lattice Cloud is sold in three plans for organisations. Team costs USD 12 per user per month billed annually, for 3 to 50 users, with 1 TB of pooled storage per user, 30-day version history and trash, shared links with passwords and expiry, and email support.

Business costs USD 20 per user per month billed annually, for 3 users or more, with 5 TB pooled storage per user, 180-day version history, single sign-on with SAML, an audit log with one year of history, external sharing controls, device management and phone support.

Enterprise is priced by contract and adds 365-day version history, SCIM provisioning, data residency in the EU, US, Canada or Australia, legal hold, Rewind for whole folders, customer-managed encryption keys, a 99.95 percent uptime commitment and a named customer success manager.

Monthly billing is available on Team and Business at a 20 percent premium. All plans include Lattice Desk for Windows and macOS, the mobile apps and API access, with higher API rate limits on Business and Enterprise.
""")

D("invoices-billing", "product", "Lattice Cloud: invoices, payment methods and billing contacts", """
Billing administrators can find every invoice in the Admin Console under Billing > Invoices. Invoices are issued on the renewal date for annual plans and on the same day each month for monthly plans, and are available as PDFs. Each invoice shows the plan, the number of licences and any prorated charges for licences added during the period.

To change the payment method, open Billing > Payment method. We accept major credit cards on all plans, and bank transfer or ACH for annual plans over USD 5,000. Companies in the EU should add their VAT number under Billing > Company details before the next invoice so that reverse charge applies; we cannot reissue past invoices with a VAT number added later.

Invoices are emailed to the billing contact, which can be a shared address like accounts-payable@ rather than an administrator. Purchase order numbers can be added under Company details and appear on all future invoices.
""")

D("cancel-downgrade", "product", "Lattice Cloud: downgrading or cancelling a subscription", """
You can downgrade from Business to Team, or reduce the number of licences, in the Admin Console under Billing > Plan. Changes take effect at your next renewal date for annual plans and at the next monthly billing date for monthly plans. There are no refunds for the unused part of an annual term, except where required by law.

Before downgrading, check that your organisation fits the lower plan: Team has a maximum of 50 users and 1 TB of storage per user, and features like single sign-on and the audit log stop working when the downgrade takes effect. The console warns you about anything that will break.

To cancel entirely, choose Cancel subscription. At the end of your term, the organisation becomes read-only for 30 days so members can download their files. After that, accounts and files are deleted permanently within 60 days. If you only want to stop paying for a departed member, remove their licence rather than cancelling the whole subscription.
""")

D("rewind", "product", "Lattice Cloud: rewinding a folder to an earlier point in time", """
Rewind restores an entire folder, including all its subfolders, to how it looked at a specific moment. It is the fastest way to recover from mass changes such as a ransomware infection that encrypted thousands of files, a sync script that deleted a project, or someone accidentally moving a whole directory tree. Rewind is available on Enterprise plans and as an add-on for Business.

In the web app, open the folder, click the three-dot menu and choose Rewind. A timeline shows the activity in the folder, with spikes where many files changed. Pick a point just before the problem began, review the summary of changes that will be undone, and confirm.

Rewind only affects the folder you chose. Changes made after the chosen time are not lost: they remain in version history and the trash, so you can rewind again to a later point if you picked too early. For a single file, use version history instead, which is quicker.
""")

D("camera-uploads", "product", "Lattice Cloud mobile: automatic camera uploads", """
The Lattice Cloud app for iOS and Android can upload photos and videos from your phone automatically. Open the app, tap Account > Camera uploads and turn it on. Choose whether to include videos and whether to upload over mobile data or Wi-Fi only.

Uploads go to a folder called Camera Uploads in your personal space, not to a team folder. Photos are renamed with the date and time they were taken, like 2025-06-02 14.31.07.heic, and HEIC photos are kept in their original format unless you choose to convert them to JPG.

On iOS, background uploads depend on the system. The app uploads when it is open and in short background windows allowed by iOS; keeping Background App Refresh on and opening the app occasionally helps. On Android, disable battery optimisation for Lattice Cloud. Organisation administrators can disable camera uploads for work accounts, in which case the option is greyed out.
""")

D("mobile-offline", "product", "Lattice Cloud mobile: keeping files available offline", """
On phones and tablets, files are not stored on the device until you open them. To use files without a connection, for example on a flight, mark them for offline access first. In the iOS or Android app, tap the three dots next to a file or folder and choose Make available offline. A download arrow shows progress.

Offline files update automatically when the device is online and the app is opened. Offline folders on Business and Enterprise plans are limited to 10,000 files each. Edits made offline to PDF annotations and text files sync when you reconnect; for Office documents, edit them in the Office apps, which save back to Lattice Cloud.

Offline files take up space on your device. See the total under Account > Offline files, where you can remove all offline copies in one tap. If your administrator requires app protection, offline files are stored encrypted and are deleted if you sign out or the device is wiped.
""")

D("lan-sync", "product", "Lattice Desk: LAN sync", """
LAN sync lets computers on the same local network copy new and changed files directly from each other, instead of each one downloading them from Lattice Cloud. In an office where twenty people share a project folder, a 2 GB file added by one person is fetched from the internet once rather than twenty times.

LAN sync is on by default. Lattice Desk discovers other computers running it using UDP port 17600 and transfers files over an encrypted connection on port 17601. Only computers signed in to accounts with access to the same folder exchange files, and each block is verified against the cloud's checksum.

To turn it off, go to Preferences > Network > LAN sync. Some corporate networks block the discovery broadcasts, which does no harm; Lattice Desk simply falls back to downloading from the cloud. Administrators can disable LAN sync for all managed devices through the desktop configuration policy.
""")

D("bandwidth-settings", "product", "Lattice Desk: limiting upload and download speed", """
By default, Lattice Desk limits uploads automatically so they do not slow down browsing and video calls, and does not limit downloads. You can change both under Preferences > Network > Bandwidth.

For uploads, choose Limit automatically, Don't limit, or Limit to a fixed rate in KB/s. A fixed limit of around 75 percent of your connection's upload speed works well if you use video calls while syncing. For downloads, choose Don't limit or a fixed rate.

Bandwidth settings are per device. Administrators can enforce limits for managed devices, for example on branch offices with slow links, using the desktop configuration policy; enforced settings appear greyed out in Preferences. If you are on a metered or mobile connection, Lattice Desk can pause large transfers automatically instead.
""")

D("proxy-settings", "product", "Lattice Desk: connecting through a proxy server", """
Lattice Desk uses the system proxy settings by default on both Windows and macOS, including automatic proxy configuration (PAC) files. In most corporate networks, no manual configuration is needed.

If your network requires a specific proxy, open Preferences > Network > Proxies and choose Manual. Enter the host and port, and select HTTP or SOCKS5. If the proxy requires authentication, enter a username and password; Lattice Desk stores them in the system keychain. NTLM and Kerberos authentication are supported on Windows when you select "Use system credentials".

Proxies that perform TLS inspection must be configured to exclude the Lattice Cloud domains, *.latticecloud.com and *.latticecontent.com, because Lattice Desk uses certificate pinning and will refuse connections that present an unexpected certificate. The symptom is a persistent "Can't establish a secure connection" message.
""")

D("two-step-verification", "product", "Lattice Cloud: turning on two-step verification", """
Two-step verification adds a second check when you sign in to Lattice Cloud, so that a stolen password alone is not enough to access your files. If your organisation uses single sign-on, two-step verification is handled by your identity provider instead, and these settings are hidden.

Sign in at app.latticecloud.com, open Account > Security and click Turn on next to Two-step verification. You can use an authenticator app, a security key, or text messages, although text messages are the least secure option and cannot be used on Enterprise plans. After setup, save the ten backup codes shown on screen; each can be used once if you lose your phone.

Administrators on Business and Enterprise plans can require two-step verification for all members under Admin Console > Security. Members who have not set it up are asked to do so at their next sign-in and cannot access files until they finish.
""")

D("account-recovery", "product", "Lattice Cloud: can't sign in to your account", """
If you forgot your password, click Forgot password on the sign-in page and follow the link sent to your email address. The link expires after one hour. If your organisation uses single sign-on, reset your password with your company's identity provider instead; Lattice Cloud support cannot change it.

If you lost access to two-step verification, use one of your backup codes. Without backup codes, members of a Business or Enterprise organisation should ask their Lattice Cloud administrator, who can reset two-step verification from the Admin Console under Members. Users on individual plans can request account recovery from support; for security, this requires verifying information about the account and takes three to five business days.

If you see "Your account has been suspended", an administrator in your organisation has suspended it, or on individual plans the account may have been locked after suspicious activity. Check your email for a message from security@latticecloud.com.
""")

D("unlink-device", "product", "Lattice Cloud: unlinking a device and remote wipe", """
Every computer and phone signed in to your account is listed under Account > Devices in the web app, with the last activity time and location. If a device is lost, sold or no longer used, click Unlink next to it. The device is signed out immediately and stops syncing.

When you unlink a computer, you can also tick "Delete files from this device the next time it comes online". This remote wipe removes the Lattice folder from the computer's disk when it next connects to the internet, and you receive an email to confirm it has happened. Files in the cloud are not affected. Remote wipe on phones clears offline files and cached previews.

Administrators on Business and Enterprise plans can unlink and wipe devices for any member in the Admin Console under Devices, and can limit which devices may connect, for example only company-managed computers.
""")

D("audit-log", "product", "Lattice Cloud Admin: using the audit log", """
The audit log records what members and administrators do in your organisation: sign-ins, file and folder events, sharing changes, member and group changes, and admin settings. It is available on Business plans, with one year of history, and Enterprise plans, with seven years.

Open the Admin Console and click Audit log. Filter by member, event type, date range, file path or IP address. For example, to see who shared files outside the company last month, filter by "Shared link created" and "External invite" for that date range.

To keep a copy or analyse events in another tool, click Export to download up to one million events as CSV, or connect the log to your security information and event management system. Lattice Cloud provides integrations for Splunk, Microsoft Sentinel and Datadog, and the Lattice API offers an events endpoint for anything else. Audit log entries usually appear within five minutes of the event.
""")

D("data-residency", "product", "Lattice Cloud: data residency regions", """
Enterprise customers can choose where their file content and metadata are stored: the United States, the European Union (Frankfurt and Dublin), Canada (Montreal and Toronto) or Australia (Sydney and Melbourne). Data is replicated between two data centres within the chosen region and does not leave it at rest.

The region is chosen when the organisation is created. Existing organisations can be migrated to a different region by the Lattice Cloud migration team. Migration usually takes two to six weeks depending on data volume, runs in the background, and ends with a cut-over window of about 30 minutes during which files are read-only.

Some data is processed globally regardless of region: account email addresses and names for sign-in, billing information, and support tickets. Full details of what is stored where are in the Data Processing Addendum and the Trust Center at trust.latticecloud.com.
""")

D("encryption-security", "product", "Lattice Cloud: how your files are encrypted", """
All files stored in Lattice Cloud are encrypted at rest with AES-256. Files are split into blocks of up to 4 MB, and each block is encrypted with its own key; those keys are in turn encrypted with keys held in a hardware security module. Data in transit between apps and our servers uses TLS 1.2 or higher.

Enterprise customers can use customer-managed keys, stored in their own AWS KMS, Azure Key Vault or Google Cloud KMS account. If a customer revokes the key, their files become unreadable to Lattice Cloud, including to our support staff, within 15 minutes.

Lattice Cloud is not end-to-end encrypted by default, because features like search, previews and virus scanning need to read file contents on our servers. Enterprise customers who need end-to-end encryption for specific folders can use Vault folders, which disable those features for the folder. Our certifications, including SOC 2 Type II and ISO 27001, are listed at trust.latticecloud.com.
""")

D("team-folders", "product", "Lattice Cloud: team folders vs personal folders", """
Every member of an organisation has a personal space, which only they can see unless they share something, and can also be given access to team folders. Team folders belong to the organisation rather than to one person, so they stay put when people leave, and administrators control who can access them.

Create team folders in the Admin Console under Team folders, or let group owners create them for their own group. Access is usually granted to groups, such as "Finance" or "Product Design", so new team members get the right folders automatically when they are added to the group.

Use team folders for anything a team depends on: contracts, designs, project files, shared templates. Use your personal space for drafts and files nobody else needs. Moving a folder from your personal space into a team folder transfers its ownership to the organisation and keeps existing shares.
""")

D("guest-access", "product", "Lattice Cloud: inviting guests to collaborate", """
Guests are people outside your organisation who you invite to a specific folder, such as a design agency or a customer's project team. They sign in with a free Lattice Cloud account or, if they already have one, their existing account, and they see only the folders they were invited to.

Guests do not use a licence on your plan and files they upload into your folders count against your storage. They cannot create team folders, see your organisation's directory, or invite other people unless the folder owner allows it.

Administrators can require guests to use two-step verification, restrict guests to approved domains, and set guest access to expire automatically after a number of days. The Admin Console lists every guest under Members > Guests, with the folders they can access and their last activity, and lets you remove a guest from all folders at once when a project ends.
""")

D("file-requests", "product", "Lattice Cloud: collecting files with a file request", """
A file request lets people upload files into a folder in your account, even if they do not have a Lattice Cloud account. It is a simple way to collect job applications, photos from an event or documents from a customer without giving them access to anything else.

In the web app, open the folder where files should arrive, click New > File request, give it a title, and set an optional deadline. Share the link by email. People who open it can upload files up to 50 GB each; they cannot see what others have uploaded.

You receive a notification as files arrive, and each upload is prefixed with the uploader's name. Close a request at any time from Shared > File requests. File requests count as external sharing, so if your administrator has disabled receiving files from outside the organisation, the option does not appear.
""")

D("preview-unavailable", "product", "Lattice Cloud: file preview not available", """
The web and mobile apps can preview more than 150 file types, including Office documents, PDFs, images, videos up to 4K, audio, CAD drawings in DWG format, and source code. If you see "Preview not available", the file type may not be supported, the file may be too large, or the preview may still be generating.

Previews are generated for documents up to 100 MB, images up to 50 MB and videos up to 50 GB. Previews for large videos can take several minutes to appear after upload. Password-protected PDFs and Office files cannot be previewed because we cannot open them without the password.

Files in Vault folders are never previewed, because their contents are not readable on our servers. If a supported file under the size limits still fails to preview after an hour, download it to check that it is not corrupted, and contact support with the file's path and type.
""")

D("office-coauthoring", "product", "Lattice Cloud: editing Office documents together", """
Lattice Cloud integrates with Microsoft 365 so several people can edit the same Word, Excel or PowerPoint file at the same time without creating conflicted copies. In the web app, click a document and choose Open in > Word for the web (or Excel, or PowerPoint). Everyone editing sees each other's cursors and changes in real time, and the file is saved back to Lattice Cloud every few seconds.

On desktop, co-authoring works in Microsoft 365 apps when the file is opened from the Lattice folder and the Lattice Desk Office add-in is enabled under Preferences > Integrations. The add-in shows who else has the file open and prompts you before saving if someone else's changes are pending.

Co-authoring requires each editor to have a Microsoft 365 licence that includes editing. Older formats like .doc and .xls and files with macros (.xlsm) can be opened but not co-authored; convert them to the modern format first.
""")

D("desk-install-windows", "product", "Installing Lattice Desk on Windows", """
Download the installer from latticecloud.com/install. The download is a small web installer, LatticeDeskSetup.exe, that fetches the latest version, about 180 MB, during installation. Run it and follow the prompts; administrator rights are not required, because by default Lattice Desk installs per user under %LOCALAPPDATA%.

When installation finishes, sign in with your Lattice Cloud account, or click "Sign in with SSO" if your organisation uses single sign-on. Choose where to put your Lattice folder (by default C:\\Users\\you\\Lattice) and whether to make files online-only to save space.

If you are an IT administrator deploying to many machines, use the offline MSI package and the deployment guide instead of the web installer. If the installer stops with error 0x80070005, a previous per-machine installation by an administrator is present; ask your IT team, or uninstall it from Settings > Apps first. On Windows on ARM devices, the installer automatically selects the native ARM64 build.
""")

D("desk-install-mac", "product", "Installing Lattice Desk on macOS", """
Download LatticeDesk.dmg from latticecloud.com/install, open it and drag Lattice Desk into your Applications folder. The app is a universal build that runs natively on Apple silicon and Intel Macs. Open it from Applications and sign in.

macOS will ask for several permissions. Allow the File Provider extension when prompted, or turn it on later in System Settings > General > Login Items & Extensions > File Providers; without it, your Lattice folder does not appear in the Finder sidebar and online-only files do not work. Lattice Desk also asks for permission to show notifications and, optionally, for access to your Desktop and Documents folders if you want to back them up.

Your Lattice folder is created under ~/Library/CloudStorage/Lattice-YourOrganisation. This location is managed by macOS and cannot be changed to an external drive. If you used an older version that stored files in ~/Lattice, the app moves them automatically during the first launch, which can take a while for large folders.
""")

D("desk-updates", "product", "Lattice Desk: updates and release channels", """
Lattice Desk updates itself automatically in the background. A new version is downloaded when available and installed the next time the app restarts, or within a week at the latest, when it restarts itself while idle. You can check your version under Preferences > About.

There are two release channels. Stable receives updates about every two weeks, rolled out gradually over seven days. Early Access receives new features about two weeks sooner; switch under Preferences > About > Release channel. Early Access builds are fully supported but occasionally have rough edges.

Versions older than 12 months stop connecting to Lattice Cloud, and you see a message asking you to update. Administrators who need to control updates, for example to test a new version before rollout, can disable automatic updates through the desktop configuration policy and deploy MSI or PKG packages themselves, as described in the administrator deployment guide.
""")

D("desk-uninstall", "product", "Uninstalling Lattice Desk", """
Before uninstalling, make sure syncing has finished and that any files you need offline are fully downloaded, because online-only files cannot be opened after the app is removed.

On Windows, open Settings > Apps > Installed apps, find Lattice Desk and click Uninstall. On a Mac, quit Lattice Desk from its menu bar icon, then drag it from Applications to the Trash. On macOS 13 and later, also remove the File Provider domain when asked; this clears the Lattice entry from the Finder sidebar.

Uninstalling does not delete your files from Lattice Cloud, and it does not delete the local Lattice folder on Windows; you can delete that folder manually afterwards if you no longer need the local copies. On macOS, locally downloaded files in ~/Library/CloudStorage are removed with the File Provider domain, so copy anything you want to keep outside Lattice first. To sign out without uninstalling, use Preferences > Account > Unlink this computer.
""")

D("desk-move-folder", "product", "Lattice Desk: moving your Lattice folder to another drive", """
On Windows, you can move your Lattice folder to another internal drive or a permanently attached external drive, which is useful if your system drive is small. Open Preferences > Sync > Lattice folder location, click Move, and choose the new parent folder. Lattice Desk moves the files itself and continues syncing; do not move the folder using File Explorer, which Lattice Desk would interpret as deleting everything.

The destination must be formatted with NTFS. FAT32 and exFAT drives are not supported, and network drives and removable USB sticks are rejected because they can disconnect while syncing.

On macOS, the Lattice folder location is controlled by the File Provider framework and is always inside ~/Library/CloudStorage on the startup disk, so it cannot be moved. To save space on a Mac, use online-only files or selective sync instead.
""")

D("desk-high-cpu", "product", "Lattice Desk using a lot of CPU or memory", """
Lattice Desk uses more CPU than usual while indexing: after installation, after you add a large folder, or after a big reorganisation. This can last from a few minutes to a few hours and then drops to near zero. The activity panel shows "Indexing" while it happens.

If high CPU continues when nothing is syncing, the usual causes are another application rewriting files in the Lattice folder over and over, for example a database, a virtual machine image, a build output directory or a Git repository with frequent changes. Lattice Desk has to re-scan and re-upload every change. Move such data outside the Lattice folder or exclude the directory with a .latticeignore file, which uses the same syntax as .gitignore.

Memory use grows with the number of files in your account, roughly 1 GB per million synced files. If you sync several million files to a laptop with 8 GB of memory, use selective sync to reduce the count.
""")

D("desk-diagnostic-logs", "product", "Lattice Desk: collecting diagnostic logs for support", """
When you contact Lattice Cloud support about a desktop problem, we may ask for a diagnostic bundle. It contains Lattice Desk's logs, configuration and a list of recent sync errors. It does not include file contents, but it does include file and folder names, so review it if names themselves are sensitive.

Click the Lattice Desk icon, then your avatar, and choose Help > Create diagnostic bundle. The app writes a zip file to your Desktop and opens the folder. Attach it to your support ticket, or upload it at support.latticecloud.com/upload with the ticket number.

If Lattice Desk cannot start at all, you can find the raw logs manually: on Windows in %LOCALAPPDATA%\\LatticeDesk\\logs and on macOS in ~/Library/Logs/LatticeDesk. Logs rotate daily and are kept for 14 days. Administrators can turn on verbose logging for a device through the desktop configuration policy when support asks for it.
""")

D("desk-system-requirements", "product", "Lattice Desk system requirements", """
Lattice Desk runs on Windows 10 version 1809 or later and Windows 11, on x64 and ARM64 processors, and on macOS 12.3 Monterey or later on Apple silicon and Intel Macs. It needs at least 4 GB of memory, and 8 GB is recommended for accounts with more than 500,000 files.

The Lattice folder must be on an NTFS drive on Windows or APFS on macOS. A stable connection to *.latticecloud.com and *.latticecontent.com over HTTPS port 443 is required. Linux is not supported by Lattice Desk; Linux users can use the web app or sync with the open-source command-line client built on the Lattice API.
""")

D("api-keys-auth", "product", "Lattice API: creating an app and authenticating", """
Every request to the Lattice API is made on behalf of an app. Register an app in the developer console at developers.latticecloud.com by clicking Create app, choosing a name and selecting the scopes it needs, such as files.read, files.write, sharing.write or team.admin. Request only the scopes you need; users see them on the consent screen.

Apps used by people sign in with OAuth 2.0 using the authorization code flow with PKCE. Access tokens expire after four hours; use the refresh token to obtain a new one. Server-to-server integrations for a single organisation, such as a nightly backup job, should use a service account instead: an administrator creates it in the Admin Console, and you authenticate with the client credentials flow.

Personal access tokens, generated under Account > Developer, are convenient for scripts and testing but are tied to your user and expire after at most 90 days. Never embed them in code that others can read.
""")

D("api-rate-limits", "product", "Lattice API: rate limits and HTTP 429", """
The Lattice API limits how many requests an app can make, to keep the service fast for everyone. Limits are applied per app per user: 1,000 requests per minute on Team plans and 3,000 per minute on Business and Enterprise. Upload and download bandwidth is not limited by these counts.

When you exceed a limit, the API returns HTTP 429 Too Many Requests with a Retry-After header giving the number of seconds to wait. Every response also includes X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset headers so you can slow down before reaching the limit.

Retry with exponential backoff and jitter, starting from the Retry-After value. Apps that keep sending requests while rate limited may be blocked for up to an hour. To reduce request volume, use batch endpoints, such as /files/batch_get_metadata for up to 100 files at once, and subscribe to webhooks instead of polling for changes.
""")

D("api-pagination", "product", "Lattice API: paging through results with cursors", """
Endpoints that return lists, such as /folders/list, /members/list and /events/list, return results in pages. The default page size is 100 items and the maximum is 1,000, set with the limit parameter.

Each response includes has_more and cursor fields. If has_more is true, call the matching continue endpoint, for example /folders/list/continue, with the cursor to get the next page. Keep going until has_more is false. Do not try to construct cursors or change other parameters between pages.

Cursors from /folders/list also let you track changes: save the last cursor, and call /folders/list/continue later to get only the entries that changed since then. Cursors for change tracking remain valid for 90 days; after that, the API returns a reset error and you must list the folder again from the start. For near-real-time changes, combine a saved cursor with webhooks.
""")

D("api-webhooks", "product", "Lattice API: receiving and verifying webhooks", """
Webhooks notify your app when something changes in the accounts it has access to, so you do not need to poll. Configure a webhook URL for your app in the developer console. The URL must use HTTPS and respond within ten seconds.

Each notification is a POST request with a JSON body that lists the affected accounts, not the changes themselves; call /folders/list/continue with your saved cursor to find out what changed. Respond with HTTP 200 quickly and do the work asynchronously.

Every request includes an X-Lattice-Signature header containing an HMAC-SHA256 of the raw request body, computed with your app secret as the key and encoded as hex. Compute the same value and compare it with a constant-time comparison before trusting the request. Failed deliveries are retried with backoff for up to 24 hours. If more than 90 percent of deliveries fail over a day, the webhook is disabled and the app owner receives an email.
""")

D("api-upload-sessions", "product", "Lattice API: uploading large files with upload sessions", """
The /files/upload endpoint accepts files up to 150 MB in a single request. For larger files, or for uploads over unreliable connections, use an upload session, which supports files up to 250 GB.

Call /files/upload_session/start to get a session_id, optionally with the first chunk of data. Then send the rest of the file in chunks with /files/upload_session/append, passing the session_id and the byte offset. Chunks must be multiples of 4 MB, except the last one, and at most 150 MB each. Finish with /files/upload_session/finish, giving the destination path and the write mode (add, overwrite or update with a revision).

If a chunk fails, retry it with the same offset. If you lose track, the error response includes the correct offset to continue from. Sessions expire 48 hours after they are started. To upload many files in parallel, use /files/upload_session/finish_batch to commit up to 1,000 sessions in one call, which is much faster than finishing them one by one.
""")

D("api-errors", "product", "Lattice API: error responses and common error codes", """
Errors use standard HTTP status codes and a JSON body with an error_summary string and a structured error object. Build your error handling around the error object's tag, such as path/not_found, rather than parsing the summary text, which may change.

400 Bad Request means the request was malformed, for example a missing parameter. 401 Unauthorized means the access token is missing, invalid or expired; refresh it. 403 Forbidden means the token is valid but lacks the required scope, or an administrator has blocked the app. 409 Conflict is used for endpoint-specific errors such as path/not_found, path/conflict/file when a file already exists, or insufficient_space when the account is over quota. 429 indicates rate limiting. 500 and 503 are server errors; retry with backoff.

Every response includes an X-Lattice-Request-Id header. Include it when you contact developer support, and we can look up exactly what happened.
""")

D("api-sdks", "product", "Lattice API: official SDKs", """
Official SDKs are available for Python (pip install lattice-sdk), JavaScript and TypeScript (npm install @latticecloud/sdk), Java, Go and .NET. They handle OAuth token refresh, pagination, upload sessions and retries with backoff automatically. Each SDK is open source on GitHub under the Apache 2.0 licence and versioned independently; the changelog for each lists the API features supported. Community libraries exist for other languages but are not supported by Lattice Cloud.
""")

D("api-v1-sunset", "product", "Lattice API: migrating from API v1 to v2", """
Lattice API v1 is deprecated and will stop working on 30 June next year. Apps still calling v1 endpoints, which start with /1/, receive a Deprecation header on every response and an email to the app owner each month.

The main changes in v2 are that all endpoints use POST with JSON bodies instead of GET with query parameters, file identifiers are stable IDs like id:a4ayc_80_OEAAAAAAAAAXw rather than paths, and list endpoints use cursors instead of page numbers. Permissions are expressed as scopes, so apps created for v1 must request scopes in the developer console and ask users to reauthorise.

The official SDKs have supported v2 for two years; upgrading to the latest SDK version is usually the quickest path. A mapping table from each v1 endpoint to its v2 equivalent, and a test tool that replays your v1 traffic against v2, are available in the developer console under Migration.
""")


# ---------------------------------------------------------------------------
# Product documentation: long guides
# ---------------------------------------------------------------------------

D("sync-troubleshooting-guide", "product", "Lattice Desk Sync Troubleshooting Guide", """
## Who this guide is for

This guide is for Lattice Cloud administrators, IT support staff and experienced users who need to diagnose sync problems in Lattice Desk beyond the quick fixes in the individual help articles. It explains how the sync engine works, what the status icons mean, and how to investigate the problems we see most often in support. Work through the sections in order; most issues are found in the first three.

## How the sync engine works

Lattice Desk keeps a local database of every file it syncs, with each file's path, size, modification time and content hash. When something changes locally, the file system watcher notifies the engine, which hashes the file in 4 MB blocks and uploads only the blocks the server does not already have. Changes on the server arrive over a long-lived notification connection and are downloaded the same way. Because of block-level deduplication, renaming or moving a large file is almost instant, and editing a small part of a large file uploads only the changed blocks.

The engine processes changes in a queue. Most problems that look like "sync is broken" are actually one item in the queue that cannot be completed and is being retried, while other items wait behind it or progress slowly.

## Reading the status icons

- Blue circular arrows: syncing is in progress.
- Green tick: everything is up to date.
- Grey pause symbol: sync is paused by you or automatically, for example because of low battery or a metered connection.
- Yellow triangle: one or more items cannot sync; the rest of the account continues.
- Red circle: sync has stopped for the whole account, usually because the account is over quota, signed out, or cannot reach the server.

Click the icon to open the activity panel. The Issues tab lists each item that cannot sync and the reason.

## Step 1: Check connectivity

Open status.latticecloud.com to rule out a service incident. Then open the activity panel and choose Help > Connection test. The test checks DNS resolution, reachability of the API and content domains, and TLS. If it reports a certificate problem on a corporate network, a proxy is probably inspecting TLS traffic; see the proxy article for the domains that must be excluded.

A less obvious cause of connection failures is the computer's clock. Lattice Desk's authentication tokens are time-limited, and if the system clock is wrong by more than five minutes, the server rejects requests and the app shows "Can't establish a secure connection" or repeatedly asks you to sign in again. Turn on automatic time setting in the operating system and restart Lattice Desk. We see this most often on virtual machines restored from snapshots and on dual-boot computers.

## Step 2: Look at individual sync issues

The Issues tab groups problems by type:

- Name not allowed: the file name contains characters or reserved words that cannot exist on every platform. Rename it or use Rename automatically.
- Path too long: the full path exceeds 1,024 characters on the server or 260 characters on a Windows machine without long path support. Enable long paths through Group Policy, or shorten folder names.
- File in use: another program has the file open with an exclusive lock. Accounting packages, Outlook PST files and database files are common offenders. Close the program or exclude the file.
- Permission denied: either the operating system does not let Lattice Desk read the file, or you no longer have edit rights to the shared folder on the server. In the second case, edits are saved as a conflicted copy in your personal space.
- Not enough space: the local disk is full. Make large folders online-only.

## Step 3: Stuck on indexing or preparing

After a fresh install or relink, Lattice Desk indexes every file before it starts transferring, which can take several hours for accounts with more than a million files. The activity panel shows the number of files indexed. If the number is increasing, leave the computer on and connected to power.

If indexing restarts from zero repeatedly, the local database may be corrupt, usually after the computer lost power during a write. Reset the local cache: quit Lattice Desk, then hold down Shift on Windows or Option on macOS while launching it, and choose Reset sync database in the dialog that appears. This rebuilds the database from the files on disk and the server without downloading anything that already matches. Do not delete the hidden .lattice.cache folder by hand, which discards pending uploads.

## Step 4: Conflicted copies appearing frequently

Occasional conflicted copies are normal when people edit the same file simultaneously. If they appear repeatedly for the same files without anyone editing, another application is probably touching the files. Typical causes are antivirus software that rewrites file metadata after scanning, backup tools that reset modification times, and a second sync client such as OneDrive or Google Drive pointed at the same folder. Running two sync clients on the same folder is not supported and causes data loss in the worst case; give each client its own folder.

## Step 5: Files that never sync

Some items are skipped by design and never appear in the Issues tab:

- Symbolic links and Windows junctions are not followed. The link itself is not uploaded either. To sync content that lives elsewhere, move it into the Lattice folder and leave a link in the original location instead.
- Files matching patterns in a .latticeignore file, and temporary and system files such as ~$ lock files, .DS_Store and Thumbs.db.
- macOS package bundles from some applications are synced as folders, but their extended attributes and resource forks are only preserved when both computers run macOS.
- Aliases and .lnk shortcuts are synced as small files and may not work on other computers.

## Step 6: Slow sync

Sync speed is limited by the slowest of your upload bandwidth, the number of small files, and the speed of your disk. Thousands of tiny files sync far more slowly than the same total size in a few large files, because each file requires several metadata operations. Compressing a folder of many small files that nobody needs to browse, such as an archived build output, into a single zip file makes a dramatic difference.

Check Preferences > Network for bandwidth limits, and check whether LAN sync is disabled in an office where many people share the same folders.

## Step 7: When to contact support

Contact support if a problem persists after the steps above, if Lattice Desk crashes repeatedly, or if you believe files were lost. Include a diagnostic bundle, the approximate time the problem started, and the path of an example file. For suspected data loss, do not relink or reinstall before contacting us, because the local database is often the best evidence of what happened.
""")

D("desk-deployment-guide", "product", "Lattice Desk Administrator Deployment Guide", """
## Overview

This guide explains how to deploy and manage Lattice Desk across an organisation with Microsoft Intune, Microsoft Configuration Manager, Jamf Pro, Kandji or other device management tools. It covers installer packages, silent installation options, the desktop configuration policy, update control and special environments such as virtual desktops. It is intended for IT administrators of Lattice Cloud Business and Enterprise organisations.

## Choosing an installer

For managed deployment, download the offline packages from the Admin Console under Settings > Desktop app > Downloads. Web installers from the public site are meant for individual users and should not be used for mass deployment.

- Windows: LatticeDesk-x64.msi and LatticeDesk-arm64.msi. These install per machine under Program Files and require administrator rights, which management tools provide.
- macOS: LatticeDesk.pkg, a signed and notarised universal package.

Per-machine installations update themselves with a system service, so standard users do not need administrator rights for updates. If a user has previously installed Lattice Desk per user with the web installer, the MSI detects it and migrates the installation without losing the user's sync state.

## Silent installation on Windows

Install with msiexec /i LatticeDesk-x64.msi /qn followed by any of these public properties:

- AUTOSTART=0 prevents the app from starting at sign-in until the user opens it for the first time.
- DESKTOPSHORTCUT=0 skips the desktop shortcut.
- ORGID=your-organisation-id pre-fills the organisation so users go straight to your single sign-on page.
- DISABLEAUTOUPDATE=1 turns off automatic updates, for organisations that deploy every version themselves.

In Intune, add the MSI as a line-of-business app or wrap it as a Win32 app if you need the properties. Assign it to a device group rather than a user group so it installs before the first user signs in.

## Silent installation on macOS

Deploy LatticeDesk.pkg with your management tool. Then deploy the configuration profiles described below so that users are not asked to approve permissions. Without them, users see prompts for the File Provider extension and notifications, which many will dismiss.

Required profiles: a System Extension or File Provider approval for the team identifier shown in the Admin Console, a Privacy Preferences Policy Control (PPPC) payload granting the app access to the Desktop, Documents and Downloads folders if you use folder backup, and a notifications payload. A sample .mobileconfig file with all three is available for download alongside the package.

## The desktop configuration policy

Lattice Desk reads policy settings from the Windows registry under HKLM\\Software\\Policies\\NorthwindLattice\\LatticeDesk, or on macOS from a managed preferences domain com.northwindlattice.latticedesk. An ADMX template for Group Policy and Intune settings catalog is available. The most commonly used settings are:

- AllowedOrganisations: a list of organisation IDs. If set, users can only sign in to these organisations on managed devices, which prevents people from syncing company data into a personal account or syncing a personal account onto a company laptop.
- FolderBackup: silently redirects Desktop, Documents and Downloads into Lattice Cloud. Set it to Prompt to ask users, or Silent to do it without asking.
- FilesOnDemandDefault: makes newly synced content online-only by default, recommended for laptops with small drives.
- UploadLimitKBps and DownloadLimitKBps: fixed bandwidth limits for branch offices on slow links.
- DisableLanSync: turns off LAN sync, for networks where discovery broadcasts are not allowed.
- VerboseLogging: enables detailed logs for troubleshooting with support; turn it off afterwards because logs grow quickly.
- MinimumDiskFreeGB: pauses downloads when free disk space falls below the given value.

Policy settings take effect within an hour or when Lattice Desk restarts. Users see a padlock next to any preference controlled by policy.

## Controlling updates

By default, Lattice Desk updates itself. Organisations that need to test updates first have two options. The simpler one is to assign a pilot group to the Early Access channel with the UpdateChannel policy, so that your pilot users receive each version about two weeks before everyone else. The other is to disable automatic updates with DISABLEAUTOUPDATE=1 or the equivalent policy and deploy each new package yourself. If you do that, deploy new versions at least every three months; versions more than 12 months old stop connecting to the service, and you must plan for that deadline.

## Virtual desktops and shared computers

Lattice Desk supports Citrix Virtual Apps and Desktops, Azure Virtual Desktop, VMware Horizon and Windows multi-session environments. Because the sync database and file cache are stored in the user's profile, non-persistent desktops need a profile container such as FSLogix so that the cache survives sign-out; otherwise, every session starts a full index. Configure FilesOnDemandDefault so that only opened files are downloaded, and place the profile container on storage with low latency. On multi-session hosts, allow at least 300 MB of memory per active Lattice Desk user.

Shared computers in labs or kiosks are not a good fit for Lattice Desk. Use the web app in a browser with single sign-on instead.

## Uninstalling and reassigning devices

Remove Lattice Desk with msiexec /x and the product code, or with the macOS uninstall script included in the package. To prepare a laptop for a new user, unlink it from the previous user's account in the Admin Console before reassigning it. Unlinking with remote wipe removes local copies of that user's files the next time the device comes online.

## Monitoring deployment

The Admin Console's Devices page lists every linked computer, its Lattice Desk version, operating system, last activity and whether it is managed. Export the list to CSV to compare against your inventory, or use the Lattice API's devices endpoint to feed it into your configuration management database.

## Getting help

Business and Enterprise administrators can open a priority ticket from the Admin Console. Include the deployment method, the package version, and a diagnostic bundle from an affected device.
""")

D("retention-recovery-guide", "product", "Lattice Cloud Administrator Guide: Retention, Legal Hold and Data Recovery", """
## Introduction

Administrators are responsible for making sure their organisation's files are kept for as long as they are needed and no longer, and that they can be recovered when something goes wrong. This guide explains the retention and recovery features of Lattice Cloud for Business and Enterprise plans: trash and version history, retention policies, legal holds, member deletion, and the recovery options available for different scenarios.

## Default retention

Without any configuration, deleted files stay in the trash, and previous versions stay in version history, for the period of your plan: 180 days on Business and 365 days on Enterprise. After that they are permanently deleted. Members can restore their own files within this period, and anyone with edit access can restore files deleted from a shared folder.

Default retention is a safety net, not a records management system. If your organisation has legal or regulatory requirements to keep certain files for a minimum period, or to delete them after a maximum period, use retention policies.

## Retention policies

Retention policies are available on Enterprise plans. Create them in the Admin Console under Governance > Retention. A policy applies to one or more team folders or to all members' personal spaces, and specifies a period, from 30 days to 10 years, and what happens at the end: keep until deleted by a member, delete automatically, or flag for review.

While a policy applies, files cannot be permanently deleted before the end of the retention period, even if a member deletes them and empties the trash. They disappear from the member's view but remain recoverable by administrators. When several policies apply to the same file, the longest retention period wins.

Policies set to delete automatically at the end of the period show a notice to members in the affected folders. Automatic deletions are recorded in the audit log, and an administrator with the Compliance role receives a monthly summary.

## Legal holds

A legal hold preserves all content belonging to specific members, or in specific team folders, for as long as the hold is active, regardless of retention policies or deletions. Legal holds are used when litigation, an investigation or a regulatory request is expected. They are available on Enterprise plans to administrators with the Compliance role.

To create a hold, go to Governance > Legal holds, click New hold, choose the members and folders, and give the hold a name and description. The hold takes effect immediately and covers all content that existed in the last 365 days as well as anything created while the hold is active. Members are not notified automatically; your legal team decides whether and how to tell custodians.

Content on hold can be searched and exported. Exports are produced as zip files of up to 100 GB each, with a CSV manifest listing every file's path, owner, versions and hashes, which can be loaded into most eDiscovery platforms. Exports are available for download for seven days.

A hold can be released at any time. After release, held content that was deleted while on hold is permanently removed within 30 days unless another hold or retention policy still applies.

## Deleting members

When you delete a member, you choose what happens to their files. The recommended route is to transfer their files to another member first, as described in the article on transferring ownership. If you delete without transferring, the member's files are kept for 30 days and can be restored by contacting support; after that they are permanently removed, unless a retention policy or legal hold applies. Suspending a member instead of deleting them keeps everything intact and frees nothing, and suspended members still use a licence.

## Recovery scenarios

A single file was deleted or overwritten: the member or any editor can restore it from the trash or version history.

Many files in a folder were changed or deleted, for example by ransomware or a faulty script: use Rewind on the folder, available on Enterprise and as a Business add-on. Rewind restores the folder to a point in time in a single operation. For ransomware, first make sure the infected device has been unlinked and cleaned, or Rewind will be undone by the next sync.

A member's entire account was compromised: suspend the member, unlink their devices, review the audit log for sharing and deletion events, and then use Rewind on affected folders and revoke shared links created during the compromise.

Files are past the retention period: they cannot be recovered by administrators. However, on Enterprise plans, Lattice Cloud keeps permanently deleted data in encrypted backups for a further 30 days for disaster recovery. In exceptional circumstances, support can attempt an extended recovery from these backups within that window. Extended recovery is not guaranteed, requires a request from an account owner, and usually takes five to ten business days.

## Exporting data for backup

Some organisations keep an independent copy of their Lattice Cloud data in another system. Use the Lattice API with a service account and the team.data.read scope, or an approved backup vendor from the App Gallery. Full exports of an organisation can also be requested from the Admin Console under Settings > Export data; they are delivered as downloadable archives and can take several days for large organisations.

## Audit and reporting

All retention, hold, export and recovery actions are recorded in the audit log with the administrator who performed them. Retention and hold configurations can be exported as a report for auditors under Governance > Reports.

## Roles and permissions

Retention policies and legal holds can only be managed by administrators with the Compliance role, which is separate from the Team admin role so that day-to-day administrators cannot release a hold. Assign the Compliance role to at least two people, typically in Legal or Information Governance.
""")

D("sso-scim-guide", "product", "Lattice Cloud Administrator Guide: Single Sign-On and SCIM Provisioning", """
## Overview

Single sign-on (SSO) lets members sign in to Lattice Cloud with your organisation's identity provider, such as Microsoft Entra ID, Okta, Google Workspace, OneLogin or PingFederate, instead of a separate Lattice Cloud password. SCIM provisioning keeps Lattice Cloud's member list and groups in step with your identity provider automatically. SSO with SAML 2.0 is available on Business and Enterprise plans; SCIM is available on Enterprise.

This guide explains how to configure both, the enforcement options, what happens when people join and leave, and how to avoid locking yourself out.

## Before you start

You need to be a Lattice Cloud administrator with the Team admin role and an administrator of your identity provider. Verify your email domains first under Admin Console > Settings > Domains by adding a DNS TXT record; SSO can only be enforced for members whose email addresses are on verified domains.

Decide whether members will use SSO only for the web app or also for Lattice Desk and the mobile apps. Both are supported and use the same configuration; desktop and mobile apps open the identity provider's page in the system browser.

## Configuring SAML

Most identity providers have a Lattice Cloud app in their gallery, which pre-fills the service provider details. If yours does not, create a custom SAML application with these values, which are also shown in the Admin Console under Security > Single sign-on:

- Entity ID: https://app.latticecloud.com/saml/metadata
- Assertion consumer service URL: https://app.latticecloud.com/saml/acs
- Name ID format: email address
- Required attributes: email. Optional attributes: givenName, surname and groups.

Then, in the Admin Console, paste your identity provider's metadata URL, or upload its metadata XML, and save. Click Test SSO to sign in with a test account before enabling SSO for everyone.

## Enforcement modes

There are three modes:

- Off: members sign in with Lattice Cloud passwords.
- Optional: members can choose either method. Use this during rollout so people can try SSO while their password still works.
- Required: members on verified domains must use SSO. Their Lattice Cloud passwords stop working, and sign-in from the apps redirects to your identity provider.

When you switch to Required, existing sessions on desktop and mobile stay signed in until they next need to re-authenticate, which is within 14 days. Web sessions end within an hour.

## Avoiding lockout

If your identity provider has an outage or the SAML configuration breaks, nobody can sign in to manage the situation. To prevent that, Lattice Cloud lets you designate up to two emergency administrators who can always sign in with a Lattice Cloud password and two-step verification, even when SSO is Required. Configure them under Security > Single sign-on > Emergency access. Use dedicated accounts with long random passwords kept in your password manager, not the day-to-day accounts of specific people, and check them every quarter. Every sign-in by an emergency administrator generates an alert email to all other administrators.

## Certificate rotation

SAML assertions are signed with your identity provider's certificate, which typically expires after one to three years. Lattice Cloud emails all administrators 30 days and again 7 days before the certificate in your configuration expires. To rotate without downtime, add the new certificate as a secondary certificate in the Admin Console before switching your identity provider to it; Lattice Cloud accepts assertions signed with either. Remove the old certificate once the switch is complete. If the certificate expires without rotation, SSO sign-ins fail with "Invalid signature" and only emergency administrators can sign in.

## Just-in-time provisioning

With SSO enabled, you can turn on just-in-time provisioning, which creates a Lattice Cloud account the first time a person from a verified domain signs in through your identity provider, using a licence from your pool. This works on Business plans without SCIM. It does not remove accounts when people leave; for that, use SCIM or remove members manually.

## Setting up SCIM

SCIM lets your identity provider create, update, suspend and delete Lattice Cloud members, and synchronise groups. In the Admin Console, open Security > Provisioning, click Generate token, and copy the SCIM base URL and bearer token into your identity provider's provisioning settings. The token is shown only once; if you lose it, generate a new one, which invalidates the old token.

Assign users and groups to the Lattice Cloud application in your identity provider. Provisioning usually runs every 20 to 40 minutes depending on the provider, and changes can be pushed on demand.

## What happens when people join, move and leave

When a user is assigned to the application, a member is created and receives a welcome email unless you turn welcome emails off. Name and email changes flow through automatically, including email address changes after a name change; the member keeps their files and shares.

Groups pushed from the identity provider appear in Lattice Cloud as managed groups, which cannot be edited in the Admin Console. Access to team folders granted to those groups follows membership automatically.

When a user is unassigned or disabled in the identity provider, the member is suspended in Lattice Cloud, not deleted. A suspended member cannot sign in, their devices are signed out, and their shared links stop working, but their files and folder memberships are preserved. This gives you time to transfer files. Suspended members still use a licence until they are deleted. To have Lattice Cloud delete suspended members automatically, set a deprovisioning grace period under Provisioning > Deprovisioning, between 7 and 90 days; at the end of the grace period, the member's files are transferred to their manager, taken from the manager attribute in SCIM, before the member is deleted.

## Troubleshooting

"User not assigned" on sign-in means the person is not assigned to the Lattice Cloud application in your identity provider. "Email mismatch" means the email in the SAML assertion differs from the member's email in Lattice Cloud; check that the Name ID is the email address, not a username. SCIM errors appear in the provisioning log in your identity provider and under Provisioning > Activity in the Admin Console; the most common is a conflict with an existing member who was invited manually with a different email capitalisation.
""")

D("migration-guide", "product", "Migrating to Lattice Cloud: Planning and Migration Tool Guide", """
## Introduction

Many organisations come to Lattice Cloud from Windows file servers, SharePoint and OneDrive, Google Drive, Box or another file-sync product. This guide explains how to plan a migration and how to use the Lattice Migration Tool, which is included with Business and Enterprise plans at no extra cost. Enterprise customers moving more than 50 TB are assigned a migration engineer who helps with planning and monitors the jobs.

## Planning the migration

A successful migration starts with an inventory. Use the tool's Scan mode to analyse the source without copying anything. The scan report lists the number of files and folders, total size, the largest folders, files that exceed Lattice Cloud limits, paths that are too long, names with characters that are not allowed, and the owners of each top-level folder.

Decide where each source location should land. As a rule, department shares and shared drives become team folders, and personal home drives or My Drive content go to each member's personal space. This is also a good time to archive or delete content nobody needs; migrating fewer files is always faster.

Agree a communication plan with the business. Most migrations follow a pattern of an initial bulk copy while people keep working in the old system, followed by one or more delta passes and a short cut-over, such as a weekend, after which the old system becomes read-only.

## Installing the Migration Tool

For file server migrations, install the tool on a Windows Server 2019 or later machine, or a Linux host, with network access to the file server and at least 16 GB of memory and 4 CPU cores. For cloud-to-cloud migrations from Google Drive, SharePoint, OneDrive or Box, the tool runs entirely in Lattice Cloud's infrastructure and is configured from the Admin Console under Settings > Migrations; you authorise it with an administrator account of the source service.

## Mapping users and permissions

The tool maps source users to Lattice Cloud members by email address. Upload a CSV mapping file for any exceptions, such as people whose email domain changed. Unmapped users are reported before the copy starts.

Permissions are translated as closely as possible. NTFS read permissions become Viewer, modify and write become Editor, and full control becomes Editor with the folder owner set to the top-level owner. Explicit deny entries cannot be represented in Lattice Cloud and are reported; resolve them by restructuring the folders before migration. From Google Drive, "Can view" becomes Viewer, "Can comment" becomes Commenter and "Can edit" becomes Editor; shared drive managers become folder owners.

Because Lattice Cloud roles are inherited and cannot be lowered on a subfolder, folders with a more restrictive permission than their parent are flagged in the scan report. The tool can automatically split such subfolders out into separate team folders if you tick "Split restricted subfolders".

## Google Docs, Sheets and Slides

Native Google Workspace files have no file format of their own, so they are converted during migration: Docs to .docx, Sheets to .xlsx, Slides to .pptx and Drawings to .svg. Comments are preserved as Office comments where possible, but suggestions in Docs are accepted or rejected according to the option you choose, because Word track changes cannot represent every suggestion. Google Forms and Sites are not migrated; the tool lists them so owners can export them separately. Files larger than the Google export limit of 10 MB for Docs and 100 MB for Sheets are skipped and reported.

## Throughput and scheduling

Each migration job can move roughly 1 to 2 TB per day from a file server over a 1 Gbps connection, and 2 to 4 TB per day for cloud-to-cloud migrations, though throughput is lower for folders with many small files. Source services apply their own throttling: Google Drive limits exports to about 750 GB per user per day, and SharePoint throttles heavily during business hours in the tenant's time zone. Schedule large jobs for nights and weekends with the tool's blackout windows.

You can run up to ten jobs in parallel per organisation. Split large sources by department rather than running one huge job, so problems in one area do not hold up the rest.

## Delta passes and cut-over

After the initial copy, run delta passes to copy anything changed since the previous pass. Each delta pass only scans modification times and sizes, so it is much faster than the first copy. When a delta pass finishes in a time that fits your cut-over window, you are ready.

During cut-over, make the source read-only, run a final delta pass, switch users to Lattice Desk, and enable the redirect banners if migrating from SharePoint, which point users to the new location when they open an old link. Keep the source read-only for at least 30 days before decommissioning it.

## Verifying the migration

Each job produces a verification report comparing file counts, sizes and checksums between source and destination. Files that were skipped, renamed or failed are listed with reasons. Spot-check important folders with their owners, and ask a few power users to confirm that their most-used files, templates and shortcuts work.

## Common issues

Paths too long: Windows file servers often contain paths longer than the Windows limit of 260 characters that users cannot even open. The tool copies paths up to 1,024 characters and reports anything longer.

Open files: files locked by a running application, such as an accounting database, are retried in the next pass. Close the application during cut-over.

Timestamps: the tool preserves modification times. Creation times are preserved on file server migrations only.

## After the migration

Disable the old system's sync clients on managed devices so people do not keep working in two places. Review the audit log during the first weeks for unusual sharing, and collect feedback from teams.
""")

D("api-developer-guide", "product", "Lattice API Developer Guide: building a production integration", """
## Introduction

This guide is for developers building production integrations with the Lattice API, such as backup tools, document management connectors, workflow automation or custom upload portals. It ties together the topics covered in individual reference articles, including authentication, pagination, webhooks and uploads, and adds guidance on testing, performance, reliability and publishing your app.

## Environments and sandbox

The production API is at api.latticecloud.com and the content API, used for uploads and downloads, at content.latticecloud.com. Every developer account can create one free sandbox organisation from the developer console. A sandbox is a full Business-plan organisation with up to five test members and 50 GB of storage, isolated from production data. Sandboxes are deleted after 90 days without API activity. Use them for automated tests; never test against real customer organisations.

## Choosing an authentication model

User-facing apps use OAuth 2.0 with PKCE and request the narrowest scopes they need. Organisation-wide integrations, such as a backup product that reads every member's files, should use a service account created by the organisation's administrator, with team-level scopes such as team.data.read. A service account can act on behalf of any member by sending the Lattice-Act-As-Member header with the member ID. Every action is recorded in the organisation's audit log under both the service account and the member.

Store refresh tokens and client secrets encrypted at rest. Rotate client secrets at least once a year from the developer console; the old secret remains valid for 24 hours after rotation so you can deploy the new one without downtime.

## Working with files and identifiers

Refer to files by their ID rather than their path wherever possible. IDs remain the same when a file is moved or renamed, whereas paths change. Paths are case-insensitive but case-preserving, so store the path_display value for showing to users and path_lower for comparisons.

Each file has a rev field that changes whenever its content changes. When updating a file, use the update write mode with the rev you last saw; if someone else has changed the file in the meantime, the API returns a conflict error instead of silently overwriting their work.

## Content hashes

To check whether a local file matches the one in Lattice Cloud without downloading it, compare content hashes. The content_hash field is computed by splitting the file into 4 MB blocks, computing the SHA-256 hash of each block, concatenating the binary hashes, and computing the SHA-256 of the result. The final value is encoded as hexadecimal. Reference implementations in each SDK and a test file with a known hash are published in the developer documentation. Do not use modification times for comparison, because clients on different operating systems can report them differently.

## Efficient change tracking

The recommended pattern for keeping an external system in sync is: list the folder recursively once, save the cursor, subscribe to webhooks, and on each webhook call the continue endpoint with the saved cursor to receive only the changes. Process deletions as well as additions. Use the longpoll endpoint instead of webhooks for desktop or command-line tools that cannot receive incoming HTTP requests; it holds the connection open for up to 480 seconds and returns as soon as something changes.

## Reliability

Treat every network call as something that may fail. Retry 429 and 5xx responses with exponential backoff and jitter, honouring Retry-After. Do not retry 4xx responses other than 429 without changing the request.

Write operations that create things, such as uploads, folder creation and shared links, accept an Idempotency-Key header. Send a unique value, such as a UUID, with each logical operation and reuse it on retries. If the first attempt actually succeeded but your client did not receive the response, the retry returns the original result instead of creating a duplicate. Idempotency keys are remembered for 24 hours.

## Performance

Parallelise uploads and downloads across files, not within a single file, except with upload sessions, where chunks for different offsets can be sent concurrently. Up to eight concurrent transfers per member is a good starting point. Use batch endpoints for metadata, which count as a single request towards rate limits. Download files with Range requests so interrupted downloads can resume.

## Security requirements

Verify webhook signatures on every request. Never log access tokens or the content of customer files. Apps that store customer data outside Lattice Cloud must encrypt it at rest and describe where it is stored in their privacy policy. Report suspected security issues in the Lattice API itself through the vulnerability disclosure programme at security.latticecloud.com, which offers rewards for qualifying reports.

## Publishing to the App Gallery

Apps used by more than 50 organisations, or apps that request team-level scopes for organisations other than your own, must be reviewed before they can be listed in the Lattice App Gallery or authorised by other customers. Submit the app for review in the developer console. You need a public privacy policy, a support contact, a demo video showing each requested scope in use, and test credentials for the reviewers. Reviews usually take ten business days. Apps that are rejected receive a list of issues and can be resubmitted as often as needed. Published apps are re-reviewed when they request additional scopes.

## Versioning and deprecation

The API is versioned in the URL path. Within a version, we only make backward-compatible changes, such as adding new endpoints, optional parameters and response fields; your code should ignore unknown fields. Breaking changes are made only in a new version, and old versions are supported for at least 18 months after a successor is released, with Deprecation and Sunset headers announcing the end date.

## Getting help

Ask questions in the developer forum, where Lattice engineers answer within two business days. Partners in the Technology Partner Program have a private support channel. Include the X-Lattice-Request-Id of a failing request in any report.
""")


# ---------------------------------------------------------------------------
# Queries. Each entry: (query text, [relevant doc slugs], anchor or None).
# The anchor is a phrase from a long document that answers the query; the
# builder asserts it appears after the first 300 words of that document, so
# these queries exercise answers buried deep inside long documents.
# Anchors are only used for this self-check and are not written to disk.
# ---------------------------------------------------------------------------

QUERIES: list[tuple[str, list[str], str | None]] = [
    # IT help desk
    ("vpn wont connect on my windows laptop, where do i even get the client", ["vpn-windows"], None),
    ("mac says system extension blocked when I open the vpn app", ["vpn-macos"], None),
    ("got a new iphone and now the vpn just times out waiting for approval", ["vpn-new-phone-mfa"], None),
    ("how do I connect to the company vpn from ubuntu using openconnect", ["vpn-linux"], None),
    ("zoom calls are laggy only when I'm connected to the vpn", ["vpn-slow-split-tunnel"], None),
    ("vpn says gateway unreachable on the hotel wifi", ["vpn-captive-portal"], None),
    ("switching phones next week, how do I move my sign-in approvals to the new one", ["mfa-new-phone"], None),
    ("left my phone at home today and can't approve the login prompt", ["mfa-lost-phone"], None),
    ("how can I get a yubikey instead of using phone push", ["mfa-hardware-key"], None),
    ("forgot my password, how do i reset it myself", ["password-reset"], None),
    ("changed my password while working from home and now my laptop only accepts the old one", ["password-expired-remote"], None),
    ("my account keeps getting locked every morning even though I type the right password", ["account-locked"], None),
    ("laptop won't join the corp wifi and keeps asking for a password", ["wifi-corporate"], None),
    ("we have a contractor on site for a month, what network should they use", ["wifi-guest-visitors"], None),
    ("how do I print from my macbook in the office", ["printer-add"], None),
    ("printer beeps twice and says card not recognised when I tap my badge", ["printer-secure-release"], None),
    ("when is my laptop due to be replaced", ["laptop-refresh"], None),
    ("spilled tea on my keyboard, what should I do", ["laptop-damaged"], None),
    ("someone broke into my car and took my work laptop", ["laptop-lost-stolen"], None),
    ("can I get a second monitor for my home desk", ["peripherals-order"], None),
    ("need a tool that isn't in company portal, how do I get it approved", ["software-request"], None),
    ("need admin rights for 10 minutes to install a printer driver", ["local-admin-rights"], None),
    ("how do I get added to the invoices@ shared inbox", ["shared-mailbox"], None),
    ("partner company can't send email to our dl- list", ["distribution-list"], None),
    ("I clicked a link in a weird email and typed in my password", ["phishing-report"], None),
    ("blue screen asking for a 48 digit key after a bios update", ["bitlocker-recovery"], None),
    ("macbook asking for a recovery key after the macos upgrade", ["filevault-recovery"], None),
    ("my laptop restarted on its own to install updates, can I postpone that", ["os-updates"], None),
    ("can I copy files onto a usb stick to give to a customer", ["usb-storage"], None),
    ("can I use outlook on my own android phone without IT managing the whole phone", ["mobile-email-byod"], None),
    ("I'm remote and it's my last day, what do I do with my laptop and monitor", ["offboarding-equipment"], None),
    ("ssh key works for my personal repos but permission denied on company repos", ["github-access"], None),
    ("where should our team store shared passwords for vendor portals", ["password-manager"], None),
    ("is the help desk open on weekends", ["service-desk-hours"], None),
    ("is my ~/src code folder backed up if my laptop dies", ["laptop-backup"], None),
    ("our meeting room got given away while we were still in it", ["meeting-rooms"], None),
    ("vpn error 409 what does it mean", ["vpn-handbook"], "Code 409"),
    ("vpn disconnected my linux box when I connected from a third computer", ["vpn-handbook"], "at most two simultaneous"),
    ("vpn works at home but can't resolve internal sites when tethered to my phone", ["vpn-handbook"], "IPv6-only mobile networks"),
    ("how long can my laptop sit idle before the screen has to lock", ["endpoint-security-standard"], "five minutes of inactivity"),
    ("how long does a security exception last before it has to be renewed", ["endpoint-security-standard"], "maximum duration of any exception is 90 days"),
    ("how fast do we have to tell enterprise customers about a breach of their data", ["incident-response"], "within 48 hours"),
    ("when does the post-incident review happen after a sev-2", ["incident-response"], "within ten business days"),
    ("new starter and my laptop didn't arrive for my first day", ["new-hire-it-guide"], "has not arrived by the morning"),
    ("android phone not getting the sign-in push notifications as a new hire", ["new-hire-it-guide"], "Android phones from some manufacturers"),
    ("border officer asked me to unlock my work laptop at the airport", ["travel-devices"], "unlock a device"),
    ("sign-in blocked for impossible travel after flying to lisbon", ["travel-devices"], "impossible travel"),
    ("travelling to a restricted country, can I take my normal laptop", ["travel-devices", "vpn-handbook"], None),
    # HR policy
    ("how many weeks off do I get when we adopt a child", ["parental-leave", "leave-policy"], None),
    ("do I need a doctor's note if I'm off sick for 4 days", ["sick-leave"], None),
    ("my grandmother passed away, how many days can I take", ["bereavement-leave"], None),
    ("got a jury summons, do I still get paid", ["jury-duty"], None),
    ("how many unused vacation days roll over to next year", ["vacation-pto"], None),
    ("how do I cancel time off that was already approved", ["time-off-request"], None),
    ("is juneteenth a company holiday", ["public-holidays"], None),
    ("can I get paid time to help at a food bank", ["volunteer-days"], None),
    ("just hit my five year anniversary, do I get any extra time off", ["sabbatical", "vacation-pto"], None),
    ("my dad is having surgery and will need me to look after him for a few weeks", ["caregiver-leave", "leave-policy"], None),
    ("been off ill for over two weeks in the US, what pay do I get now", ["medical-leave-std"], None),
    ("can I take two months unpaid to go travelling", ["unpaid-leave"], None),
    ("can I work reduced hours for the first few weeks back after maternity leave", ["return-to-work"], None),
    ("when am I allowed to switch health insurance plans", ["benefits-enrollment"], None),
    ("just got married, how do I add my wife to my insurance", ["qualifying-life-event"], None),
    ("what's the company match on the 401k", ["retirement-plan"], None),
    ("is there a free confidential counselling service", ["eap"], None),
    ("can I spend the wellness money on a climbing gym membership", ["wellness-stipend"], None),
    ("will the company pay for a desk chair for working from home", ["home-office-allowance"], None),
    ("does the company pay for an aws certification exam", ["learning-budget"], None),
    ("I've been invited to give a talk at a conference, who pays for the trip", ["conference-attendance"], None),
    ("how long do I have to submit an expense report", ["expense-claims", "travel-expense-policy"], None),
    ("accidentally bought groceries on the corporate card", ["corporate-card"], None),
    ("drove my own car to a customer site, how much can I claim", ["mileage"], None),
    ("what day of the month is payday in ireland", ["pay-schedule"], None),
    ("my payslip is missing last month's overtime", ["payroll-error"], None),
    ("got an email asking me to confirm my bank details for payroll", ["bank-details", "phishing-report"], None),
    ("what bonus do I get for referring a friend who gets hired", ["referral-bonus"], None),
    ("can I apply to a job in another team after 8 months here", ["internal-transfer"], None),
    ("what's the notice period if I'm still in my probation", ["probation"], None),
    ("how much notice do I need to give when resigning as a manager", ["resignation"], None),
    ("do I get paid extra for getting paged at 3am on the weekend", ["on-call-allowance"], None),
    ("does the company cover ivf or egg freezing", ["fertility-family-forming"], None),
    ("is there an anonymous way to report my manager's behaviour", ["harassment-reporting"], None),
    ("need a letter confirming my salary for a mortgage application", ["employment-verification"], None),
    ("which days are hybrid employees supposed to come into the office", ["office-attendance", "remote-hybrid-policy"], None),
    ("do I have to pay back the relocation package if I quit", ["relocation"], None),
    ("I'm on an h-1b and getting promoted, do I need to do anything", ["immigration-visa"], None),
    ("does my stock keep vesting while I'm on parental leave", ["leave-policy"], "Equity awards continue to vest"),
    ("is army reserve training paid leave", ["leave-policy"], "reserve forces"),
    ("got the flu during my vacation, can I get those days back", ["leave-policy"], "become ill during vacation"),
    ("how much can I spend per night on a hotel in london", ["travel-expense-policy"], "GBP 250"),
    ("can I book business class on a 12 hour flight", ["travel-expense-policy"], None),
    ("can I add a few vacation days onto the end of a work trip", ["travel-expense-policy"], "extend a business trip"),
    ("how many days a year can I work remotely from another country", ["remote-hybrid-policy"], "20 working days"),
    ("will my salary go down if I move to a cheaper state", ["remote-hybrid-policy"], "lower pay zone"),
    ("can I expense a coworking space membership instead of working from home", ["remote-hybrid-policy"], "Remote employees who prefer to work from a coworking space"),
    ("how big a raise comes with a promotion", ["performance-promotion-guide"], "8 to 12 percent"),
    ("how long does a performance improvement plan last", ["performance-promotion-guide"], "A PIP lasts 60 days"),
    ("I disagree with my year-end rating, can I challenge it", ["performance-promotion-guide"], "within 15 working days"),
    ("can I bring someone with me to an investigation interview", ["investigation-procedure"], "accompanied by a colleague"),
    ("how long do I have to appeal the outcome of a complaint investigation", ["investigation-procedure"], "within ten working days of receiving"),
    # Product documentation
    ("why is there a file called conflicted copy in my folder", ["conflicted-copies"], None),
    ("lattice desk has said syncing 1 file for hours", ["sync-stuck"], None),
    ("stop an archive folder from downloading to my laptop to free up space", ["selective-sync"], None),
    ("keep a folder on my laptop so I can work on it during a flight", ["online-only-files"], None),
    ("why did lattice desk pause by itself when I unplugged my laptop", ["sync-paused-battery"], None),
    ("what's the biggest file I can upload through the browser", ["file-size-limits"], None),
    ("file with a colon in the name won't upload", ["invalid-file-names"], None),
    ("someone deleted a shared folder last week, can we get it back", ["restore-deleted-files"], None),
    ("go back to yesterday's version of a spreadsheet", ["version-history"], None),
    ("make a share link that expires and needs a password", ["shared-links"], None),
    ("people say my download link has been temporarily disabled", ["link-bandwidth-limit"], None),
    ("what's the difference between commenter and editor access", ["folder-permissions"], None),
    ("employee is leaving, how do I move all their files to their manager", ["transfer-ownership"], None),
    ("block staff from sending share links to people outside the company", ["external-sharing-controls"], None),
    ("does a file shared with 50 people count 50 times against our storage", ["storage-quota"], None),
    ("our storage is full, what happens to uploads", ["over-quota"], None),
    ("which plan do we need for scim and eu data residency", ["plans-comparison"], None),
    ("how do I get our vat number on the invoices", ["invoices-billing"], None),
    ("what happens to our files if we cancel lattice cloud", ["cancel-downgrade"], None),
    ("ransomware encrypted thousands of files in our shared folder, roll everything back", ["rewind", "retention-recovery-guide"], None),
    ("stop my phone photos uploading to my work account", ["camera-uploads"], None),
    ("which ports does lan sync use", ["lan-sync"], None),
    ("limit lattice upload speed so my video calls don't stutter", ["bandwidth-settings"], None),
    ("can't establish a secure connection behind our company proxy", ["proxy-settings"], None),
    ("lost my phone and my lattice two-step codes, how do I get back in", ["account-recovery"], None),
    ("sold my old laptop, sign it out and delete the lattice files remotely", ["unlink-device"], None),
    ("send the lattice audit log to splunk", ["audit-log"], None),
    ("can we keep all our files stored in europe", ["data-residency"], None),
    ("is lattice cloud end to end encrypted", ["encryption-security"], None),
    ("collect tax documents from a client without giving them access to our folders", ["file-requests"], None),
    ("two of us editing the same excel file at once without making duplicates", ["office-coauthoring"], None),
    ("install lattice desk on windows without admin rights", ["desk-install-windows"], None),
    ("move my lattice folder to the d: drive", ["desk-move-folder"], None),
    ("lattice desk is using high cpu constantly, I have git repos in the folder", ["desk-high-cpu"], None),
    ("is there a lattice desk client for linux", ["desk-system-requirements"], None),
    ("api keeps returning 429 too many requests", ["api-rate-limits"], None),
    ("how do I verify the x-lattice-signature header", ["api-webhooks"], None),
    ("upload a 5 GB file through the api", ["api-upload-sessions"], None),
    ("is there a python library for the lattice api", ["api-sdks"], None),
    ("when do the /1/ api endpoints stop working", ["api-v1-sunset"], None),
    ("how do I get the next page of results from folders list", ["api-pagination"], None),
    ("lattice desk keeps asking me to sign in again on my vm, clock might be off", ["sync-troubleshooting-guide"], "system clock"),
    ("indexing keeps restarting from zero, how do I rebuild the local database", ["sync-troubleshooting-guide"], "Reset sync database"),
    ("symlinked folders aren't syncing", ["sync-troubleshooting-guide"], "Symbolic links"),
    ("stop people signing in to personal lattice accounts on company laptops", ["desk-deployment-guide"], "AllowedOrganisations"),
    ("running lattice desk on non-persistent citrix desktops", ["desk-deployment-guide"], "FSLogix"),
    ("export everything on legal hold for our ediscovery tool", ["retention-recovery-guide"], "Exports are produced as zip files"),
    ("files are past the trash retention period, can support still recover them", ["retention-recovery-guide"], "extended recovery"),
    ("our saml signing certificate is expiring, how do we rotate it without downtime", ["sso-scim-guide"], "secondary certificate"),
    ("what happens to a user's files when they're deprovisioned through scim", ["sso-scim-guide"], "suspended in Lattice Cloud, not deleted"),
    ("how do admins sign in if our identity provider is down and sso is required", ["sso-scim-guide"], "emergency administrators"),
    ("what happens to google docs and sheets when migrating from google drive", ["migration-guide"], "converted during migration"),
    ("how many TB per day can the migration tool copy from a file server", ["migration-guide"], "1 to 2 TB per day"),
    ("how is the content_hash value calculated", ["api-developer-guide"], "content_hash field"),
    ("avoid creating duplicate files when retrying an upload after a timeout", ["api-developer-guide"], "Idempotency-Key"),
    ("how long does app gallery review take for a lattice integration", ["api-developer-guide"], "Reviews usually take ten business days"),
]

# Documents exported as HTML intranet/help-centre pages.
HTML_SLUGS = [
    "vpn-windows", "vpn-macos", "vpn-new-phone-mfa", "vpn-handbook", "mfa-lost-phone",
    "bitlocker-recovery", "phishing-report", "endpoint-security-standard",
    "parental-leave", "sick-leave", "bereavement-leave", "leave-policy",
    "expense-claims", "travel-expense-policy", "remote-hybrid-policy", "home-office-allowance",
    "conflicted-copies", "sync-stuck", "selective-sync", "sync-troubleshooting-guide",
    "shared-links", "api-rate-limits", "sso-scim-guide", "restore-deleted-files",
]


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def body_to_text(body: str) -> str:
    blocks = [b.strip() for b in body.split("\n\n") if b.strip()]
    out = []
    for b in blocks:
        if b.startswith("## "):
            b = b[3:].strip()
        out.append(b)
    return "\n\n".join(out)


def body_to_html(body: str) -> str:
    parts = []
    for block in [b.strip() for b in body.split("\n\n") if b.strip()]:
        if block.startswith("## "):
            parts.append(f"      <h2>{html.escape(block[3:].strip())}</h2>")
            continue
        lines = block.split("\n")
        items = [ln[2:].strip() for ln in lines if ln.startswith("- ")]
        others = [ln.strip() for ln in lines if not ln.startswith("- ")]
        if others:
            parts.append(f"      <p>{html.escape(' '.join(others))}</p>")
        if items:
            lis = "\n".join(f"        <li>{html.escape(i)}</li>" for i in items)
            parts.append(f"      <ul>\n{lis}\n      </ul>")
    return "\n".join(parts)


SECTION_LABEL = {"it": "IT Help Desk", "hr": "People & Policies", "product": "Product Docs"}
SECTION_PATH = {"it": "it-help", "hr": "people", "product": "docs"}
OWNERS = {"it": "IT Service Desk", "hr": "People Operations", "product": "Product Documentation Team"}


def intranet_page(doc: dict, related: list[dict], idx: int) -> str:
    sec = doc["section"]
    title = html.escape(doc["title"])
    updated = f"2025-{(idx % 12) + 1:02d}-{(idx * 7) % 27 + 1:02d}"
    rel = "\n".join(
        f'          <li><a href="/{SECTION_PATH[r["section"]]}/{r["id"]}">{html.escape(r["title"])}</a></li>'
        for r in related
    )
    if sec == "product":
        site = "Lattice Cloud Help Center"
        nav = """    <nav class="top-nav" aria-label="Main">
      <ul>
        <li><a href="/docs">Documentation</a></li>
        <li><a href="/docs/lattice-cloud">Lattice Cloud</a></li>
        <li><a href="/docs/lattice-desk">Lattice Desk</a></li>
        <li><a href="/docs/api">Lattice API</a></li>
        <li><a href="/status">System status</a></li>
        <li><a href="/community">Community</a></li>
        <li><a href="/support/new">Contact support</a></li>
        <li><a href="/signin">Sign in</a></li>
      </ul>
    </nav>"""
        footer_links = """        <a href="/legal/terms">Terms of Service</a> |
        <a href="/legal/privacy">Privacy Policy</a> |
        <a href="/legal/cookies">Cookie settings</a> |
        <a href="https://trust.latticecloud.com">Trust Center</a> |
        <a href="/sitemap">Sitemap</a>"""
    else:
        site = "Lattice Hub &middot; Northwind Lattice Intranet"
        nav = """    <nav class="top-nav" aria-label="Intranet">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/news">News</a></li>
        <li><a href="/it-help">IT Help Desk</a></li>
        <li><a href="/people">People &amp; Policies</a></li>
        <li><a href="/teams">Teams</a></li>
        <li><a href="/offices">Offices</a></li>
        <li><a href="/directory">Directory</a></li>
        <li><a href="https://servicepoint.northwindlattice.com">ServicePoint</a></li>
      </ul>
    </nav>"""
        footer_links = """        <a href="/people/privacy-notice">Employee privacy notice</a> |
        <a href="/it-help/acceptable-use">Acceptable use</a> |
        <a href="/accessibility">Accessibility</a> |
        <a href="/feedback">Give feedback on the intranet</a>"""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} | {site}</title>
  <link rel="stylesheet" href="/static/css/hub.min.css">
  <script src="/static/js/analytics.js" defer></script>
</head>
<body class="section-{sec}">
  <div id="cookie-banner" class="cookie-banner" role="dialog" aria-label="Cookie consent">
    <p>We use cookies to remember your preferences and to understand how this site is used. Strictly necessary cookies are always on. You can change your choice at any time in Cookie settings.</p>
    <button type="button" class="btn-accept">Accept all</button>
    <button type="button" class="btn-reject">Reject non-essential</button>
    <a href="/legal/cookies">Cookie settings</a>
  </div>
  <a class="skip-link" href="#content">Skip to main content</a>
  <header class="site-header">
    <div class="brand"><a href="/"><img src="/static/img/northwind-lattice-logo.svg" alt="Northwind Lattice"> {site}</a></div>
    <form class="site-search" action="/search" role="search">
      <label for="q">Search</label>
      <input id="q" name="q" type="search" placeholder="Search articles, policies and docs">
      <button type="submit">Search</button>
    </form>
{nav}
  </header>
  <div class="breadcrumb" aria-label="Breadcrumb">
    <ol>
      <li><a href="/">Home</a></li>
      <li><a href="/{SECTION_PATH[sec]}">{SECTION_LABEL[sec]}</a></li>
      <li aria-current="page">{title}</li>
    </ol>
  </div>
  <div class="layout">
    <main id="content">
      <article class="kb-article" data-article-id="{doc['id']}">
      <h1>{title}</h1>
      <p class="meta">Last updated {updated} &middot; Owner: {OWNERS[sec]} &middot; Article {doc['id']}</p>
{body_to_html(doc['body'])}
      </article>
      <section class="feedback-widget">
        <p>Was this article helpful?</p>
        <button type="button">Yes</button> <button type="button">No</button>
        <p class="small">Your feedback is anonymous and helps us improve our content.</p>
      </section>
    </main>
    <aside class="sidebar">
      <h3>Related articles</h3>
      <ul>
{rel}
      </ul>
      <h3>Need more help?</h3>
      <p>Open a ticket in ServicePoint or call extension 4357.</p>
    </aside>
  </div>
  <footer class="site-footer">
    <p>&copy; 2025 Northwind Lattice, Inc. All rights reserved. Internal use only.</p>
    <p>
{footer_links}
    </p>
  </footer>
</body>
</html>
"""


README = """# Northwind Lattice knowledge base (sample corpus)

A small, fully **fictional** knowledge base for the made-up company *Northwind
Lattice*, which sells the cloud file-sync product Lattice Cloud, the desktop
app Lattice Desk and the Lattice API. It is bundled with `hardneg_haystack` to
demonstrate hard-negative mining and re-ranking: many documents look alike but
answer different questions (VPN on Windows vs macOS vs after a phone change;
parental vs sick vs bereavement leave; conflicted copies vs stuck sync vs
selective sync, and so on).

Any resemblance to real companies, people, products or policies is
coincidental. Nothing here is real guidance.

## Contents (BEIR format)

- `corpus.jsonl` - {n_docs} documents ({n_it} IT help desk, {n_hr} HR policy,
  {n_product} product docs). `_id`, `title`, `text`,
  `metadata.section` (`it` / `hr` / `product`), `metadata.source` (`kb`).
  {n_long} documents are long (more than 800 words) so chunking matters.
- `queries.jsonl` - {n_queries} queries written the way employees and customers
  type them; {n_deep} of them are answered deep inside a long document.
- `qrels/train.tsv` ({n_train} queries) and `qrels/test.tsv` ({n_test} queries) -
  `query-id`, `corpus-id`, `score` (always 1). Each query is in exactly one split.
- `html/` - {n_html} "intranet export" HTML pages of selected documents
  (named by document id) with navigation, cookie banner, breadcrumb, sidebar
  and footer boilerplate, for demonstrating HTML ingestion and cleaning.

Regenerate with `python3 scripts/build_sample_kb.py`.

## License

CC0 1.0 Universal (public domain dedication). You may use, modify and
redistribute this corpus for any purpose without attribution.
"""


def main() -> None:
    # assign ids
    slug_to_doc = {}
    for i, d in enumerate(DOCS, start=1):
        d["id"] = f"kb-{i:04d}"
        assert d["slug"] not in slug_to_doc, f"duplicate slug {d['slug']}"
        slug_to_doc[d["slug"]] = d

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "qrels").mkdir(exist_ok=True)
    html_dir = OUT / "html"
    html_dir.mkdir(exist_ok=True)
    for old in html_dir.glob("*.html"):
        old.unlink()

    with open(OUT / "corpus.jsonl", "w", encoding="utf-8") as f:
        for d in DOCS:
            rec = {
                "_id": d["id"],
                "title": d["title"],
                "text": body_to_text(d["body"]),
                "metadata": {"section": d["section"], "source": "kb"},
            }
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")

    train_rows, test_rows = [], []
    n_deep = 0
    seen_q = set()
    with open(OUT / "queries.jsonl", "w", encoding="utf-8") as f:
        for i, (text, slugs, anchor) in enumerate(QUERIES, start=1):
            assert text not in seen_q, f"duplicate query {text}"
            seen_q.add(text)
            qid = f"q-{i:03d}"
            for s in slugs:
                assert s in slug_to_doc, f"unknown slug {s} in query {text!r}"
            if anchor is not None:
                doc_text = body_to_text(slug_to_doc[slugs[0]]["body"])
                pos = doc_text.find(anchor)
                assert pos >= 0, f"anchor {anchor!r} not in {slugs[0]}"
                words_before = len(doc_text[:pos].split())
                assert words_before >= 300, f"anchor {anchor!r} only {words_before} words in"
                n_deep += 1
            f.write(json.dumps({"_id": qid, "text": text}, ensure_ascii=False) + "\n")
            rows = [(qid, slug_to_doc[s]["id"]) for s in slugs]
            # deterministic ~60/40 split: positions 1 and 3 of every 5 go to test
            (test_rows if i % 5 in (1, 3) else train_rows).extend(rows)

    for name, rows in (("train", train_rows), ("test", test_rows)):
        with open(OUT / "qrels" / f"{name}.tsv", "w", encoding="utf-8") as f:
            f.write("query-id\tcorpus-id\tscore\n")
            for qid, cid in rows:
                f.write(f"{qid}\t{cid}\t1\n")

    for idx, slug in enumerate(HTML_SLUGS):
        doc = slug_to_doc[slug]
        same = [d for d in DOCS if d["section"] == doc["section"] and d["slug"] != slug]
        related = [same[(idx * 5 + k * 11) % len(same)] for k in range(4)]
        page = intranet_page(doc, related, idx)
        (html_dir / f"{doc['id']}.html").write_text(page, encoding="utf-8")

    counts = {s: sum(d["section"] == s for d in DOCS) for s in ("it", "hr", "product")}
    readme = README.format(
        n_docs=len(DOCS), n_it=counts["it"], n_hr=counts["hr"], n_product=counts["product"],
        n_long=sum(len(body_to_text(d["body"]).split()) > 800 for d in DOCS),
        n_queries=len(QUERIES), n_deep=n_deep,
        n_train=len({q for q, _ in train_rows}), n_test=len({q for q, _ in test_rows}),
        n_html=len(HTML_SLUGS),
    )
    (OUT / "README.md").write_text(readme, encoding="utf-8")
    print(f"wrote {len(DOCS)} docs, {len(QUERIES)} queries ({n_deep} deep), "
          f"{len(HTML_SLUGS)} html pages to {OUT}")


if __name__ == "__main__":
    main()
